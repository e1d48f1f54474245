import { z } from "zod";
import { authorizeProject } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { filePassage } from "./file-passages.js";
import type { IndexedFiles } from "./indexed-files.js";
import { sourceId } from "./grep-repository-tool.js";
import { defineTool } from "./tool-definition.js";

/** The most lines one call returns; a model wanting more asks for the next range. */
const maxLines = 300;

export const openFileTool = (files: IndexedFiles) =>
  defineTool({
    name: "open_file",
    description: `Reads lines of one of the project's files as indexed (at the indexed commit), at most ${maxLines} per call; the lines come numbered.`,
    parameters: z.object({
      path: z.string().min(1).max(4096).describe("the file's path in its source, as other tools show it"),
      source_id: sourceId,
      start_line: z.number().int().min(1).default(1),
      end_line: z.number().int().min(1).optional().describe(`defaults to start_line + ${maxLines - 1}`),
    }),
    async run(principal, projectId, args) {
      authorizeProject(principal, projectId, "search");
      const file = await files.one(projectId, args.path, args.source_id);
      const total = file.lines.length;
      if (args.start_line > total) throw invalidArgument("arguments.start_line", `${file.path} has ${total} lines`);
      const requestedEnd = args.end_line ?? args.start_line + maxLines - 1;
      if (requestedEnd < args.start_line) throw invalidArgument("arguments.end_line", "end_line must not be before start_line");
      const end = Math.min(requestedEnd, args.start_line + maxLines - 1, total);
      const passage = filePassage(file, args.start_line, end);
      return {
        // The lines themselves come as the passage (numbered for the model); the result says what was read.
        result: { path: file.path, sourceId: file.sourceId, commit: file.commit || null, startLine: args.start_line, endLine: end, totalLines: total, more: end < total },
        passages: [passage],
      };
    },
  });
