import { extname } from "node:path";
import { z } from "zod";
import { authorizeProject } from "@qamesh/authorization";
import type { ProjectSources } from "@qamesh/ports";
import type { IndexedFiles } from "./indexed-files.js";
import { defineTool } from "./tool-definition.js";

const recentRuns = 5;
const languagesShown = 12;

export const projectOverviewTool = (files: IndexedFiles, sources: ProjectSources) =>
  defineTool({
    name: "project_overview",
    description: "Describes the project: its sources, its latest indexing runs, how many files each source has indexed, and the languages (by file extension).",
    parameters: z.object({}),
    async run(principal, projectId) {
      authorizeProject(principal, projectId, "project.read");
      const [sourceList, runs, indexed] = await Promise.all([sources.sources(projectId), sources.recentRuns(projectId, recentRuns), files.all(projectId)]);
      const perSource = new Map<string, { files: number; lines: number }>();
      const languages = new Map<string, number>();
      for (const file of indexed) {
        const counts = perSource.get(file.sourceId) ?? { files: 0, lines: 0 };
        perSource.set(file.sourceId, { files: counts.files + 1, lines: counts.lines + file.lines.length });
        const language = extname(file.path).toLowerCase() || "(none)";
        languages.set(language, (languages.get(language) ?? 0) + 1);
      }
      return {
        result: {
          sources: sourceList.map((source) => ({ ...source, indexedFiles: perSource.get(source.id)?.files ?? 0, indexedLines: perSource.get(source.id)?.lines ?? 0 })),
          latestRuns: runs,
          indexedFiles: indexed.length,
          languages: [...languages.entries()]
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
            .slice(0, languagesShown)
            .map(([extension, fileCount]) => ({ extension, files: fileCount })),
        },
        passages: [],
      };
    },
  });
