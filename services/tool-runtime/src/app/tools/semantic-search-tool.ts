import { chunkReference } from "@qamesh/ports";
import { z } from "zod";
import { maxSearchResults } from "@qamesh/limits";
import { semanticSearch, type SemanticSearchDeps } from "./semantic-search.js";
import { defineTool } from "./tool-definition.js";

export const semanticSearchTool = (deps: SemanticSearchDeps) =>
  defineTool({
    name: "semantic_search",
    description:
      "Finds the passages of the project's code, tickets and docs that best match a query, by meaning and by the words and identifiers it uses (refreshing a token finds refreshAccessToken). Best for questions in plain words; to list every line with an exact text use grep_repository.",
    parameters: z.object({
      query: z.string().min(1).describe("what to look for"),
      k: z.number().int().min(1).max(maxSearchResults).default(8),
    }),
    async run(principal, projectId, args) {
      const hits = await semanticSearch(deps, principal, { projectId, query: args.query, k: args.k, mode: "hybrid" });
      // The texts travel as passages (which answers cite); the result says what was found.
      return {
        result: { found: hits.map((hit) => ({ path: hit.chunk.path, startLine: hit.chunk.startLine, endLine: hit.chunk.endLine, score: Number(hit.score.toFixed(4)) })) },
        passages: hits.map((hit) => ({
          reference: chunkReference(hit.chunk),
          text: hit.chunk.text,
        })),
      };
    },
  });
