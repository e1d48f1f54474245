import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { afterEach, beforeEach } from "vitest";

/**
 * A fresh SQLite DocumentStore for each test of the calling suite, closed and deleted after it.
 * Returns a getter (the store exists only once the test runs) and the file it lives in.
 */
export function eachTestSqliteStore(): { store(): SqliteDocumentStore; file(): string } {
  let directory = "";
  let store: SqliteDocumentStore | undefined;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "qamesh-store-"));
    store = SqliteDocumentStore.open(join(directory, "store.sqlite"));
  });
  afterEach(async () => {
    await store?.close();
    await rm(directory, { recursive: true, force: true });
  });
  return { store: () => store!, file: () => join(directory, "store.sqlite") };
}
