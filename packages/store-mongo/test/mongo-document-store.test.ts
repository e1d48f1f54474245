import { randomUUID } from "node:crypto";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { describeDocumentStoreContract, embeddedOnly, eventually, realServer } from "@qamesh/testkit";
import { MongoDocumentStore } from "../src/index.js";

const databases: string[] = [];
const freshDatabase = () => {
  const name = `contract_${randomUUID().slice(0, 8)}`;
  databases.push(name);
  return name;
};

describe.skipIf(embeddedOnly)("MongoDB adapter", () => {
  afterAll(async () => {
    const client = await MongoClient.connect(realServer("MONGODB_URI"));
    for (const name of databases) await client.db(name).dropDatabase();
    await client.close();
  });

  describeDocumentStoreContract("MongoDB wire protocol (FerretDB)", async () =>
    MongoDocumentStore.connect({ uri: realServer("MONGODB_URI"), database: freshDatabase() }),
  );

  /** What a process leaves behind when it dies right after the commit point. */
  const leavePendingTransaction = async (database: string, committedAt: number, writes: unknown[]) => {
    const client = await MongoClient.connect(realServer("MONGODB_URI"));
    await client
      .db(database)
      .collection<{ _id: string; committedAt: number; writes: unknown[] }>("_pending_transactions")
      .insertOne({ _id: `dead-process-${committedAt}`, committedAt, writes });
    await client.close();
  };
  const write = (collection: string, id: string, fields: Record<string, unknown>) => ({
    collection,
    key: JSON.stringify(["p", id]),
    document: { projectId: "p", id, ...fields },
    insert: false,
  });

  it("finishes a committed transaction whose process died before applying it", async () => {
    const database = freshDatabase();
    await leavePendingTransaction(database, Date.now() - 120_000, [write("runs", "r1", { state: "running" }), write("outbox", "e1", { topic: "t" })]);
    const store = await MongoDocumentStore.connect({ uri: realServer("MONGODB_URI"), database });
    expect(await store.collection("runs").get("p", "r1")).toEqual({ projectId: "p", id: "r1", state: "running" });
    expect(await store.collection("outbox").get("p", "e1")).toEqual({ projectId: "p", id: "e1", topic: "t" });
    await store.close();
  });

  it("never brings back an older version when it replays a dead process's transaction", async () => {
    const database = freshDatabase();
    const store = await MongoDocumentStore.connect({ uri: realServer("MONGODB_URI"), database, pendingTransactionStaleAfterMs: 0, recoveryIntervalMs: 100 });
    // Written after the dead process committed: newer than what its transaction holds.
    await store.collection<{ projectId: string; id: string; state: string }>("runs").put({ projectId: "p", id: "r1", state: "succeeded" });
    await leavePendingTransaction(database, Date.now() - 60_000, [write("runs", "r1", { state: "running" }), write("outbox", "e1", { topic: "t" })]);
    // A store that is already running finishes it too, on its next round.
    await eventually(async () => expect(await store.collection("outbox").get("p", "e1")).toEqual({ projectId: "p", id: "e1", topic: "t" }));
    expect(await store.collection("runs").get("p", "r1")).toEqual({ projectId: "p", id: "r1", state: "succeeded" });
    await store.close();
  });

  it("leaves a transaction that may still be committing to its own process", async () => {
    const database = freshDatabase();
    await leavePendingTransaction(database, Date.now(), [write("runs", "r1", { state: "running" }), write("outbox", "e1", { topic: "t" })]);
    const store = await MongoDocumentStore.connect({ uri: realServer("MONGODB_URI"), database });
    expect(await store.collection("runs").get("p", "r1")).toBeUndefined();
    await store.close();
  });

  it("creates the declared indexes at start-up and enforces unique ones", async () => {
    const database = freshDatabase();
    const store = await MongoDocumentStore.connect({
      uri: realServer("MONGODB_URI"),
      database,
      indexes: [{ collection: "deliveries", fields: ["projectId", "deliveryId"], unique: true }],
    });
    const deliveries = store.collection<{ projectId: string; id: string; deliveryId: string }>("deliveries");
    await deliveries.insert({ projectId: "p", id: "a", deliveryId: "d-1" });
    await expect(deliveries.insert({ projectId: "p", id: "b", deliveryId: "d-1" })).rejects.toMatchObject({ code: "already_exists" });
    await store.close();
  });
});
