import { join } from "node:path";
import { connect } from "@lancedb/lancedb";
import { afterAll, describe, expect, it } from "vitest";
import { describeVectorIndexContract, temporaryDirectory } from "@qamesh/testkit";
import { LanceVectorIndex } from "../src/index.js";

const directory = await temporaryDirectory("lance");
afterAll(() => directory.remove());
let counter = 0;

describeVectorIndexContract("LanceDB", () => {
  const path = join(directory.path, `index-${counter++}`);
  return () => LanceVectorIndex.open(path);
});

describe("a LanceDB table written before chunks had titles and URLs", () => {
  it("gets the new columns when opened, its rows reading as files", async () => {
    const path = join(directory.path, "older");
    const db = await connect(path);
    const row = { id: "c1", project_id: "p", source_id: "s", path: "a.md", start_line: 1, end_line: 2, commit_sha: "", content_hash: "h", text: "old text", vector: [1, 0, 0] };
    await db.createTable(`chunks_${Buffer.from("p").toString("hex")}`, [row]);
    db.close();
    const index = await LanceVectorIndex.open(path);
    try {
      expect(await index.list("p", {})).toEqual([{ id: "c1", projectId: "p", sourceId: "s", path: "a.md", startLine: 1, endLine: 2, commit: "", contentHash: "h", title: "", url: "", language: "", symbol: "", symbolKind: "", context: "", text: "old text" }]);
      await index.upsert("p", [{ id: "c2", projectId: "p", sourceId: "s", path: "issues/1", startLine: 1, endLine: 3, commit: "", contentHash: "v1", title: "#1 A ticket", url: "https://example.test/1", language: "typescript", symbol: "refresh", symbolKind: "function", context: "class A {", text: "new", vector: [0, 1, 0] }]);
      expect((await index.search("p", [0, 1, 0], 1))[0]!.chunk).toMatchObject({ id: "c2", title: "#1 A ticket", symbol: "refresh", symbolKind: "function", context: "class A {" });
    } finally {
      await index.close();
    }
  });
});
