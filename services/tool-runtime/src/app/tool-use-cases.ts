import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument, notFound } from "@qamesh/errors";
import type { ToolDefinition } from "./tools/tool-definition.js";

/** What callers do with a project's tools: see which there are, and run one. */
export function toolUseCases(tools: readonly ToolDefinition[]) {
  return {
    list(principal: CallPrincipal, projectId: string): readonly ToolDefinition[] {
      if (!projectId) throw invalidArgument("projectId", "projectId is required");
      authorizeProject(principal, projectId, "project.read");
      return tools;
    },

    /** Each tool authorizes what it does itself (semantic_search: the permission to search). */
    invoke(principal: CallPrincipal, projectId: string, name: string, args: Record<string, unknown>): ReturnType<ToolDefinition["run"]> {
      const tool = this.list(principal, projectId).find((candidate) => candidate.name === name);
      if (!tool) throw notFound(`no tool named "${name}"`);
      return tool.run(principal, projectId, args);
    },
  };
}

export type ToolUseCases = ReturnType<typeof toolUseCases>;
