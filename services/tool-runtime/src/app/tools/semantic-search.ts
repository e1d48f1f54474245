import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { maxPassageChars, maxSearchResults, textLimits } from "@qamesh/limits";
import { searchModes, type ChunkIndex, type SearchFilter, type SearchMode, type VectorHit } from "@qamesh/ports";

/** Turns a query into a vector; the llm-profiles service does it so keys stay there. */
export type QueryEmbedder = (projectId: string, query: string) => Promise<number[]>;

export interface SemanticSearchDeps {
  chunkIndex: ChunkIndex;
  embedQuery: QueryEmbedder;
}

/** Ranked chunks of one project for a query in plain words or naming identifiers; hybrid unless asked otherwise. */
export async function semanticSearch(
  deps: SemanticSearchDeps,
  principal: CallPrincipal,
  input: { projectId: string; query: string; k: number; mode: string; filter?: SearchFilter | undefined },
): Promise<VectorHit[]> {
  if (!input.projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(principal, input.projectId, "search");
  if (!input.query.trim()) throw invalidArgument("query", "query must not be empty");
  if (input.query.length > textLimits.query) throw invalidArgument("query", `query must be at most ${textLimits.query} characters`);
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > maxSearchResults) {
    throw invalidArgument("k", `k must be a whole number from 1 to ${maxSearchResults}`);
  }
  if (!isSearchMode(input.mode)) throw invalidArgument("mode", `mode must be one of ${searchModes.join(", ")}`);
  const vector = input.mode === "lexical" ? undefined : await deps.embedQuery(input.projectId, input.query);
  const query = { text: input.query, mode: input.mode, ...(vector ? { vector } : {}), ...(input.filter ? { filter: input.filter } : {}) };
  const hits = await deps.chunkIndex.search(input.projectId, query, input.k);
  return hits.map((hit) => (hit.chunk.text.length > maxPassageChars ? { ...hit, chunk: { ...hit.chunk, text: `${hit.chunk.text.slice(0, maxPassageChars - 1)}…` } } : hit));
}

const isSearchMode = (mode: string): mode is SearchMode => (searchModes as readonly string[]).includes(mode);

/** A filter from the wire's fields; undefined when it narrows nothing. */
export function searchFilter(language: string, symbolKind: string): SearchFilter | undefined {
  if (!language && !symbolKind) return undefined;
  return { ...(language ? { language } : {}), ...(symbolKind ? { symbolKind } : {}) };
}
