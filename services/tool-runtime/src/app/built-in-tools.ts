import type { CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { maxSearchResults } from "@qamesh/limits";
import { semanticSearch, type SemanticSearchDeps } from "./semantic-search.js";

export interface ToolDefinition {
  name: string;
  description: string;
  parametersJsonSchema: Record<string, unknown>;
  /** Runs for `principal`, who the tool authorizes for what it does. */
  run(principal: CallPrincipal, projectId: string, args: Record<string, unknown>): Promise<unknown>;
}

/** The tools every project has. Custom tools defined by admins join these in a later step. */
export function builtInTools(deps: SemanticSearchDeps): ToolDefinition[] {
  return [
    {
      name: "semantic_search",
      description: "Finds the passages of the project's code, tickets and docs closest in meaning to a query.",
      parametersJsonSchema: {
        type: "object",
        properties: {
          query: { type: "string", description: "what to look for" },
          k: { type: "integer", minimum: 1, maximum: maxSearchResults, default: 8 },
        },
        required: ["query"],
        additionalProperties: false,
      },
      async run(principal, projectId, args) {
        if (typeof args.query !== "string") throw invalidArgument("arguments.query", "query must be a string");
        if (args.k !== undefined && typeof args.k !== "number") throw invalidArgument("arguments.k", "k must be a number");
        const hits = await semanticSearch(deps, principal, { projectId, query: args.query, k: (args.k as number | undefined) ?? 8 });
        return hits.map((hit) => ({
          path: hit.chunk.path,
          sourceId: hit.chunk.sourceId,
          startLine: hit.chunk.startLine,
          endLine: hit.chunk.endLine,
          commit: hit.chunk.commit,
          score: hit.score,
          text: hit.chunk.text,
        }));
      },
    },
  ];
}
