import { describe, expect, it } from "vitest";
import type { StoredChunk } from "@qamesh/ports";
import { fusionConstant, reciprocalRankFusion } from "./reciprocal-rank-fusion.js";

const chunk = (id: string): { chunk: StoredChunk } => ({
  chunk: { id, projectId: "p", sourceId: "s", path: `${id}.ts`, startLine: 1, endLine: 2, commit: "", contentHash: "h", title: "", url: "", language: "", symbol: "", symbolKind: "", context: "", text: id },
});
const ids = (hits: { chunk: { id: string } }[]) => hits.map((hit) => hit.chunk.id);

describe("reciprocal rank fusion", () => {
  it("puts a chunk both rankings found above chunks only one found, and sums the reciprocal ranks", () => {
    const fused = reciprocalRankFusion([{ hits: [chunk("a"), chunk("b")], weight: 1 }, { hits: [chunk("c"), chunk("b")], weight: 1 }], 3);
    expect(ids(fused)).toEqual(["b", "a", "c"]);
    expect(fused[0]!.score).toBeCloseTo(2 / (fusionConstant + 2), 12);
  });

  it("weighs each ranking: a chunk both found leads, and the heavier ranking's choice beats the lighter one's", () => {
    const fused = reciprocalRankFusion([{ hits: [chunk("vector-first"), chunk("both")], weight: 1 }, { hits: [chunk("lexical-first"), chunk("vector-first")], weight: 2 }], 3);
    expect(ids(fused)[0]).toBe("vector-first");
    const lexicalWins = reciprocalRankFusion([{ hits: [chunk("x"), chunk("y"), chunk("z")], weight: 1 }, { hits: [chunk("z")], weight: 2 }], 1);
    expect(ids(lexicalWins)).toEqual(["z"]);
  });

  it("scales each chunk's share by its prior", () => {
    const rankings = [{ hits: [chunk("test"), chunk("code")], weight: 1 }];
    expect(ids(reciprocalRankFusion(rankings, 2))).toEqual(["test", "code"]);
    const demoted = reciprocalRankFusion(rankings, 2, ({ id }) => (id === "test" ? 0.5 : 1));
    expect(ids(demoted)).toEqual(["code", "test"]);
    expect(demoted[1]!.score).toBeCloseTo(0.5 / (fusionConstant + 1), 12);
  });

  it("keeps the first k, in a stable order for ties", () => {
    expect(ids(reciprocalRankFusion([{ hits: [chunk("b")], weight: 1 }, { hits: [chunk("a")], weight: 1 }], 5))).toEqual(["a", "b"]);
    expect(reciprocalRankFusion([{ hits: [chunk("a"), chunk("b")], weight: 1 }], 1)).toHaveLength(1);
    expect(reciprocalRankFusion([], 5)).toEqual([]);
  });
});
