import { describe, expect, it } from "vitest";
import { scoreRanking, summarize } from "./retrieval-metrics.js";

const question = { question: "where?", answers: [{ path: "a.ts", lines: [10, 20] as [number, number] }] };
const hit = (path: string, startLine: number, endLine: number) => ({ path, startLine, endLine });

describe("retrieval metrics", () => {
  it("ranks the first hit in the answering file, and the first whose lines overlap the answer's", () => {
    const score = scoreRanking(question, [hit("b.ts", 1, 5), hit("a.ts", 30, 40), hit("a.ts", 18, 25)]);
    expect(score).toEqual({ fileRank: 2, lineRank: 3 });
  });

  it("counts a ranking without the answering file as a miss", () => {
    expect(scoreRanking(question, [hit("b.ts", 10, 20)])).toEqual({ fileRank: undefined, lineRank: undefined });
  });

  it("treats touching line ranges as overlapping and adjacent ones as not", () => {
    expect(scoreRanking(question, [hit("a.ts", 20, 30)]).lineRank).toBe(1);
    expect(scoreRanking(question, [hit("a.ts", 21, 30)]).lineRank).toBeUndefined();
  });

  it("summarizes recall@5 and line recall@5 as shares of questions, MRR as the mean reciprocal rank", () => {
    const summary = summarize([
      { fileRank: 1, lineRank: 1 },
      { fileRank: 4, lineRank: 6 },
      { fileRank: 6, lineRank: undefined },
      { fileRank: undefined, lineRank: undefined },
    ]);
    expect(summary.recallAt5).toBe(0.5);
    expect(summary.lineRecallAt5).toBe(0.25);
    expect(summary.mrr).toBeCloseTo((1 + 1 / 4 + 1 / 6) / 4, 10);
  });
});
