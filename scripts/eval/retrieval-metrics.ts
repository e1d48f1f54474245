/** One question of the evaluation and where its answer is. */
export interface EvalQuestion {
  question: string;
  answers: { path: string; lines: [number, number] }[];
}

/** A search hit as the API returns it (only what scoring needs). */
export interface RankedHit {
  path: string;
  startLine: number;
  endLine: number;
}

export interface QuestionScore {
  /** 1-based rank of the first hit in an answering file; undefined when none was returned. */
  fileRank: number | undefined;
  /** 1-based rank of the first hit in an answering file whose lines overlap the answer's. */
  lineRank: number | undefined;
}

export interface EvalSummary {
  recallAt5: number;
  mrr: number;
  lineRecallAt5: number;
}

/** Where in a ranking the answer first appears: by file, and by file and overlapping lines. */
export function scoreRanking(question: EvalQuestion, hits: readonly RankedHit[]): QuestionScore {
  const inAnswerFile = (hit: RankedHit) => question.answers.some((answer) => answer.path === hit.path);
  const onAnswerLines = (hit: RankedHit) =>
    question.answers.some((answer) => answer.path === hit.path && hit.startLine <= answer.lines[1] && hit.endLine >= answer.lines[0]);
  const rankOf = (found: (hit: RankedHit) => boolean) => {
    const index = hits.findIndex(found);
    return index < 0 ? undefined : index + 1;
  };
  return { fileRank: rankOf(inAnswerFile), lineRank: rankOf(onAnswerLines) };
}

/** recall@5 and line recall@5 (share of questions answered in the top 5), MRR over the ranking returned. */
export function summarize(scores: readonly QuestionScore[]): EvalSummary {
  const share = (count: number) => (scores.length === 0 ? 0 : count / scores.length);
  const within5 = (rank: number | undefined) => rank !== undefined && rank <= 5;
  return {
    recallAt5: share(scores.filter((score) => within5(score.fileRank)).length),
    mrr: share(scores.reduce((sum, score) => sum + (score.fileRank === undefined ? 0 : 1 / score.fileRank), 0)),
    lineRecallAt5: share(scores.filter((score) => within5(score.lineRank)).length),
  };
}
