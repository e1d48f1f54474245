import { afterAll, describe, expect, it } from "vitest";
import { embeddedOnly, eventually, startPrivateServer, type PrivateServer } from "@qamesh/testkit";
import { MongoDocumentStore } from "../src/index.js";

describe.skipIf(embeddedOnly)("MongoDB adapter when the server goes away", () => {
  let server: PrivateServer | undefined;
  let store: MongoDocumentStore | undefined;
  afterAll(async () => {
    await store?.close();
    await server?.remove();
  });

  it("fails calls as unavailable, naming the store, and works again once the server is back", async () => {
    server = await startPrivateServer("mongodb");
    store = await MongoDocumentStore.connect({ uri: server.address, database: "outage", serverSelectionTimeoutMs: 1_000 });
    const notes = store.collection<{ projectId: string; id: string; text: string }>("notes");
    await notes.put({ projectId: "p", id: "a", text: "before" });

    server.stop();
    const failure = await notes.get("p", "a").catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "unavailable", message: expect.stringContaining("document store (MongoDB) is unreachable") });
    await expect(store.ping()).rejects.toMatchObject({ code: "unavailable" });
    await expect(store.transaction(async (tx) => tx.collection("notes").put({ projectId: "p", id: "b" }))).rejects.toMatchObject({ code: "unavailable" });

    server.start();
    await eventually(async () => expect(await notes.get("p", "a")).toMatchObject({ text: "before" }), 20_000, 250);
    expect(await notes.get("p", "b")).toBeUndefined();
  });
});
