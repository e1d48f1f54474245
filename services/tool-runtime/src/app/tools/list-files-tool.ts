import { z } from "zod";
import { authorizeProject } from "@qamesh/authorization";
import type { IndexedFiles } from "./indexed-files.js";
import { pathGlob, sourceId } from "./grep-repository-tool.js";
import { filesMatching } from "./path-filter.js";
import { defineTool } from "./tool-definition.js";

export const listFilesTool = (files: IndexedFiles) =>
  defineTool({
    name: "list_files",
    description: "Lists the project's indexed files (path, source, line count), optionally only those matching a glob.",
    parameters: z.object({
      path_glob: pathGlob,
      source_id: sourceId,
      max_files: z.number().int().min(1).max(1000).default(200),
    }),
    async run(principal, projectId, args) {
      authorizeProject(principal, projectId, "search");
      const matching = filesMatching(await files.all(projectId, args.source_id ? { sourceId: args.source_id } : {}), args.path_glob);
      return {
        result: {
          files: matching.slice(0, args.max_files).map((file) => ({ path: file.path, sourceId: file.sourceId, lines: file.lines.length })),
          total: matching.length,
          truncated: matching.length > args.max_files,
        },
        passages: [],
      };
    },
  });
