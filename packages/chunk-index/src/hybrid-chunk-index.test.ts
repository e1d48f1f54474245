import { describe, expect, it } from "vitest";
import type { LexicalIndex, StoredChunk, VectorIndex } from "@qamesh/ports";
import { HybridChunkIndex } from "./hybrid-chunk-index.js";

const chunk = (path: string): StoredChunk => ({
  id: path,
  projectId: "p",
  sourceId: "s",
  path,
  startLine: 1,
  endLine: 9,
  commit: "",
  contentHash: "h",
  title: "",
  url: "",
  language: "typescript",
  symbol: "",
  symbolKind: "",
  context: "",
  text: path,
});

/** Both engines rank the test of the outbox just above the outbox itself, as they do for a test that repeats its identifiers. */
function engines(): { vectors: VectorIndex; lexical: LexicalIndex } {
  const ranking = [chunk("packages/outbox/test/outbox.test.ts"), chunk("packages/outbox/src/outbox.ts"), chunk("packages/bus/src/bus.ts")];
  const unused = () => Promise.reject(new Error("not used by search"));
  const common = { upsert: unused, delete: unused, deleteOtherVersions: unused, ping: unused, close: unused };
  return {
    vectors: { ...common, list: unused, search: async (_project, _vector, k) => ranking.slice(0, k).map((found, index) => ({ chunk: found, score: 1 - index / 10 })) },
    lexical: { ...common, search: async (_project, _terms, k) => ranking.slice(0, k).map((found, index) => ({ chunk: found, score: 10 - index })) },
  };
}

const paths = (hits: { chunk: StoredChunk }[]) => hits.map((hit) => hit.chunk.path);

describe("hybrid chunk index", () => {
  it("ranks code above the tests that repeat its words, unless the question is about tests", async () => {
    const { vectors, lexical } = engines();
    const index = new HybridChunkIndex(vectors, lexical);
    const search = (text: string) => index.search("p", { text, vector: [1, 0], mode: "hybrid" }, 3);
    // Half its share: below the code it tests, and (here) below the next file both engines found.
    expect(paths(await search("when are outbox events published?"))).toEqual([
      "packages/outbox/src/outbox.ts",
      "packages/bus/src/bus.ts",
      "packages/outbox/test/outbox.test.ts",
    ]);
    expect(paths(await search("how is the outbox tested?"))[0]).toBe("packages/outbox/test/outbox.test.ts");
  });

  it("gives one engine's own ranking in its mode", async () => {
    const { vectors, lexical } = engines();
    const index = new HybridChunkIndex(vectors, lexical);
    expect(paths(await index.search("p", { text: "outbox", mode: "lexical" }, 1))).toEqual(["packages/outbox/test/outbox.test.ts"]);
    expect(paths(await index.search("p", { text: "outbox", vector: [1, 0], mode: "vector" }, 1))).toEqual(["packages/outbox/test/outbox.test.ts"]);
  });
});
