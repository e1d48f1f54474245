import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiKeys } from "./api-keys.js";

describe("API keys", () => {
  let directory: string;
  let store: SqliteDocumentStore;
  let keys: ApiKeys;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "qamesh-keys-"));
    store = SqliteDocumentStore.open(join(directory, "identity.sqlite"));
    keys = new ApiKeys(store);
  });

  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("shows a key once, stores only a hash of it, and recognises it", async () => {
    const { key, record } = await keys.create("alice", { name: "ci", projectIds: ["p1"], role: "member" });
    expect(key).toMatch(/^qm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await keys.authenticate(key)).toMatchObject({ id: record.id, userId: "alice", projectIds: ["p1"], role: "member" });
    await store.close();
    const stored = await readFile(join(directory, "identity.sqlite"));
    expect(stored.includes(key.split("_")[2]!)).toBe(false);
    store = SqliteDocumentStore.open(join(directory, "identity.sqlite"));
  });

  it("refuses a key with a wrong secret, a malformed one, an expired one and a deleted one", async () => {
    const { key, record } = await keys.create("alice", { name: "ci" });
    const wrong = key.slice(0, -4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await keys.authenticate(wrong)).toBeUndefined();
    expect(await keys.authenticate("qm_nothing")).toBeUndefined();
    const expiring = await keys.create("alice", { name: "short", expiresAt: new Date(Date.now() + 1000) });
    expect(await new ApiKeys(store, () => new Date(Date.now() + 2000)).authenticate(expiring.key)).toBeUndefined();
    await expect(keys.delete("mallory", record.id)).rejects.toMatchObject({ code: "not_found" });
    await keys.delete("alice", record.id);
    expect(await keys.authenticate(key)).toBeUndefined();
  });
});
