import { z } from "zod";
import { authorizeProject } from "@qamesh/authorization";
import { matchPassages, shownLine } from "./file-passages.js";
import type { IndexedFiles } from "./indexed-files.js";
import { matchingLines } from "./line-matcher.js";
import { filesMatching } from "./path-filter.js";
import { defineTool } from "./tool-definition.js";

export const pathGlob = z.string().min(1).max(500).optional().describe("only files whose path matches this glob, e.g. src/**/*.ts; without a / it matches file names anywhere, e.g. *.md");
export const sourceId = z.string().min(1).max(100).optional().describe("only this source (project_overview lists them)");

export const grepRepositoryTool = (files: IndexedFiles) =>
  defineTool({
    name: "grep_repository",
    description: "Searches every line of the project's indexed files (at the indexed commit) for a regular expression; returns each matching line with its path and number.",
    parameters: z.object({
      pattern: z.string().min(1).max(500).describe("a JavaScript regular expression matched against each line"),
      path_glob: pathGlob,
      source_id: sourceId,
      case_sensitive: z.boolean().default(false),
      max_matches: z.number().int().min(1).max(100).default(30),
    }),
    async run(principal, projectId, args) {
      authorizeProject(principal, projectId, "search");
      const candidates = filesMatching(await files.all(projectId, args.source_id ? { sourceId: args.source_id } : {}), args.path_glob);
      const { matches, truncated } = matchingLines(candidates, args.pattern, { caseSensitive: args.case_sensitive, limit: args.max_matches });
      return {
        result: {
          matches: matches.map(({ file, line }) => ({ path: file.path, line, text: shownLine(file.lines[line - 1]!) })),
          filesSearched: candidates.length,
          truncated,
        },
        passages: matchPassages(matches, 2),
      };
    },
  });
