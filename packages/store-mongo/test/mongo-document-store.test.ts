import { randomUUID } from "node:crypto";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { describeDocumentStoreContract, embeddedOnly, realServer } from "@qamesh/testkit";
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

  it("finishes a committed transaction whose process died before applying it", async () => {
    const database = freshDatabase();
    const client = await MongoClient.connect(realServer("MONGODB_URI"));
    // What a process leaves behind when it dies right after the commit point.
    await client
      .db(database)
      .collection<{ _id: string; createdAt: string; writes: unknown[] }>("_pending_transactions")
      .insertOne({
        _id: "dead-process",
        createdAt: new Date().toISOString(),
        writes: [
          { collection: "runs", key: JSON.stringify(["p", "r1"]), document: { projectId: "p", id: "r1", state: "running" }, insert: true },
          { collection: "outbox", key: JSON.stringify(["p", "e1"]), document: { projectId: "p", id: "e1", topic: "t" }, insert: true },
        ],
      });
    await client.close();

    const store = await MongoDocumentStore.connect({ uri: realServer("MONGODB_URI"), database });
    expect(await store.collection("runs").get("p", "r1")).toEqual({ projectId: "p", id: "r1", state: "running" });
    expect(await store.collection("outbox").get("p", "e1")).toEqual({ projectId: "p", id: "e1", topic: "t" });
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
