import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { maxPassageChars, maxSearchResults, textLimits } from "@qamesh/limits";
import type { VectorHit, VectorIndex } from "@qamesh/ports";

/** Turns a query into a vector; the llm-profiles service does it so keys stay there. */
export type QueryEmbedder = (projectId: string, query: string) => Promise<number[]>;

export interface SemanticSearchDeps {
  vectorIndex: VectorIndex;
  embedQuery: QueryEmbedder;
}

/** Ranked chunks of one project for a natural-language query. */
export async function semanticSearch(
  deps: SemanticSearchDeps,
  principal: CallPrincipal,
  input: { projectId: string; query: string; k: number },
): Promise<VectorHit[]> {
  if (!input.projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(principal, input.projectId, "search");
  if (!input.query.trim()) throw invalidArgument("query", "query must not be empty");
  if (input.query.length > textLimits.query) throw invalidArgument("query", `query must be at most ${textLimits.query} characters`);
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > maxSearchResults) {
    throw invalidArgument("k", `k must be a whole number from 1 to ${maxSearchResults}`);
  }
  const vector = await deps.embedQuery(input.projectId, input.query);
  const hits = await deps.vectorIndex.search(input.projectId, vector, input.k);
  return hits.map((hit) => (hit.chunk.text.length > maxPassageChars ? { ...hit, chunk: { ...hit.chunk, text: `${hit.chunk.text.slice(0, maxPassageChars - 1)}…` } } : hit));
}
