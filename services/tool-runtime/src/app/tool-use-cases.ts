import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument, notFound } from "@qamesh/errors";
import type { CustomToolUseCases } from "./custom/custom-tool-use-cases.js";
import { httpTool, type HttpToolDeps } from "./custom/http-tool.js";
import type { ToolDefinition } from "./tools/tool-definition.js";

/** What callers do with a project's tools: see which there are (built-in, then the project's own), and run one. */
export function toolUseCases(builtIn: readonly ToolDefinition[], custom: CustomToolUseCases, httpDeps: HttpToolDeps) {
  return {
    async list(principal: CallPrincipal, projectId: string): Promise<readonly ToolDefinition[]> {
      if (!projectId) throw invalidArgument("projectId", "projectId is required");
      authorizeProject(principal, projectId, "project.read");
      const own = await custom.listForProject(projectId);
      return [...builtIn, ...own.map((record) => httpTool(record, httpDeps))];
    },

    /** Each tool authorizes what it does itself (semantic_search: the permission to search). */
    async invoke(principal: CallPrincipal, projectId: string, name: string, args: Record<string, unknown>): ReturnType<ToolDefinition["run"]> {
      const tool = (await this.list(principal, projectId)).find((candidate) => candidate.name === name);
      if (!tool) throw notFound(`no tool named "${name}"`);
      return tool.run(principal, projectId, args);
    },
  };
}

export type ToolUseCases = ReturnType<typeof toolUseCases>;
