import { afterAll, describe, expect, it } from "vitest";
import { embeddedOnly, eventually, startPrivateServer, type PrivateServer } from "@qamesh/testkit";
import { ChromaVectorIndex } from "../src/index.js";

describe.skipIf(embeddedOnly)("Chroma adapter when the server goes away", () => {
  let server: PrivateServer | undefined;
  afterAll(async () => {
    await server?.remove();
  });

  it("fails calls as unavailable, naming the index, and works again once the server is back", async () => {
    server = await startPrivateServer("chroma");
    const index = new ChromaVectorIndex({ url: server.address });
    const chunk = { id: "c1", projectId: "p", sourceId: "s", path: "a.md", startLine: 1, endLine: 2, commit: "", contentHash: "h", title: "", url: "", language: "", symbol: "", symbolKind: "", context: "", text: "hello", vector: [1, 0, 0] };
    await index.upsert("p", [chunk]);

    server.stop();
    const failure = await index.search("p", [1, 0, 0], 1).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "unavailable", message: expect.stringContaining("vector index (Chroma) is unreachable") });
    await expect(index.ping()).rejects.toMatchObject({ code: "unavailable" });

    server.start();
    await eventually(async () => expect((await index.search("p", [1, 0, 0], 1)).map((hit) => hit.chunk.id)).toEqual(["c1"]), 20_000, 250);
  });
});
