import type { CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import type { ToolResult } from "@qamesh/ports";
import { maxSearchResults } from "@qamesh/limits";
import { semanticSearch, type SemanticSearchDeps } from "./semantic-search.js";

export interface ToolDefinition {
  name: string;
  description: string;
  parametersJsonSchema: Record<string, unknown>;
  /** Runs for `principal`, who the tool authorizes for what it does: its result, and the passages it read. */
  run(principal: CallPrincipal, projectId: string, args: Record<string, unknown>): Promise<{ result: unknown; passages: ToolResult["passages"] }>;
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
        // The texts travel as passages (which answers cite); the result says what was found.
        return {
          result: { found: hits.map((hit) => ({ path: hit.chunk.path, startLine: hit.chunk.startLine, endLine: hit.chunk.endLine, score: Number(hit.score.toFixed(4)) })) },
          passages: hits.map((hit) => ({
            reference: { sourceId: hit.chunk.sourceId, path: hit.chunk.path, startLine: hit.chunk.startLine, endLine: hit.chunk.endLine, commit: hit.chunk.commit },
            text: hit.chunk.text,
          })),
        };
      },
    },
  ];
}
