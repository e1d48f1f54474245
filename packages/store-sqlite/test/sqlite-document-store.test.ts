import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { describeDocumentStoreContract, temporaryDirectory } from "@qamesh/testkit";
import { SqliteDocumentStore } from "../src/index.js";

const directory = await temporaryDirectory("store");
afterAll(() => directory.remove());
let counter = 0;

describeDocumentStoreContract("SQLite", async () => SqliteDocumentStore.open(join(directory.path, `store-${counter++}.sqlite`)));

describe("SQLite indexes", () => {
  it("creates the service's indexes, which lookups by those fields use, and enforces a unique one", async () => {
    const file = join(directory.path, `indexed-${counter++}.sqlite`);
    const store = SqliteDocumentStore.open(file, [
      { collection: "events", fields: ["projectId", "messageId", "seq"] },
      { collection: "names", fields: ["projectId", "name"], unique: true },
    ]);
    try {
      const events = store.collection<{ id: string; projectId: string; messageId: string; seq: number }>("events");
      for (let seq = 1; seq <= 50; seq++) await events.insert({ id: `e${seq}`, projectId: "p", messageId: seq % 2 ? "m1" : "m2", seq });
      expect((await events.find({ projectId: "p", messageId: "m1" }, { sort: { field: "seq", direction: "asc" } })).map((event) => event.seq).slice(0, 3)).toEqual([1, 3, 5]);
      const names = store.collection<{ id: string; projectId: string; name: string }>("names");
      await names.insert({ id: "a", projectId: "p", name: "same" });
      await expect(names.insert({ id: "b", projectId: "p", name: "same" })).rejects.toThrow();
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN SELECT doc FROM "collection_events" WHERE project_id = ? AND json_extract(doc, '$.messageId') = ? ORDER BY json_extract(doc, '$.seq'), id`)
        .all("p", "m1") as { detail: string }[];
      expect(plan.map((step) => step.detail).join(" | ")).toContain("USING INDEX index_events_projectId_messageId_seq");
    } finally {
      db.close();
    }
  });
});
