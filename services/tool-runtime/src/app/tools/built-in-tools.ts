import type { ProjectSources } from "@qamesh/ports";
import { grepRepositoryTool } from "./grep-repository-tool.js";
import type { IndexedFiles } from "./indexed-files.js";
import { keywordSearchTool } from "./keyword-search-tool.js";
import { listFilesTool } from "./list-files-tool.js";
import { openFileTool } from "./open-file-tool.js";
import { projectOverviewTool } from "./project-overview-tool.js";
import type { SemanticSearchDeps } from "./semantic-search.js";
import { semanticSearchTool } from "./semantic-search-tool.js";
import type { ToolDefinition } from "./tool-definition.js";

export interface BuiltInToolDeps extends SemanticSearchDeps {
  files: IndexedFiles;
  sources: ProjectSources;
}

/** The tools every project has, each scoped to the caller's project and bounded in what it returns. Custom tools join these later. */
export function builtInTools(deps: BuiltInToolDeps): ToolDefinition[] {
  return [
    semanticSearchTool(deps),
    keywordSearchTool(deps.files),
    grepRepositoryTool(deps.files),
    openFileTool(deps.files),
    listFilesTool(deps.files),
    projectOverviewTool(deps.files, deps.sources),
  ];
}
