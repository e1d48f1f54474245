import { authorizeProject } from "@qamesh/authorization";
import { qualifiedToolName, type CodeToolDefinition, type HttpToolDefinition } from "@qamesh/custom-tools";
import { codeCall, type CodeToolDeps } from "../code/code-tool.js";
import type { ToolDefinition } from "../tools/tool-definition.js";
import { argumentCheck } from "./argument-check.js";
import type { CustomToolRecord } from "./custom-tool-records.js";
import { httpCall, type HttpToolDeps } from "./http-tool.js";

export type CustomToolDeps = HttpToolDeps & CodeToolDeps;

/**
 * A project's own tool as the catalog lists it and the agent calls it, whatever its kind: the
 * caller must be able to read the project, the arguments must pass the tool's JSON Schema, then
 * its kind makes the call (an HTTP request, a sandboxed script).
 */
/** A project's own tool that is one tool (an MCP server brings several: see mcp-servers.ts). */
export type SingleToolRecord = CustomToolRecord & { definition: HttpToolDefinition | CodeToolDefinition };

export function customTool(record: SingleToolRecord, deps: CustomToolDeps): ToolDefinition {
  const { definition } = record;
  const call = definition.kind === "http" ? httpCall(record, definition, deps) : codeCall(definition, deps);
  let checkArguments: ((args: Record<string, unknown>) => void) | undefined;
  return {
    name: definition.name,
    description: definition.description,
    parametersJsonSchema: definition.inputSchema,
    custom: { id: record.id, kind: definition.kind, policy: definition.policy, qualifiedName: qualifiedToolName(definition) },
    async run(principal, projectId, args) {
      authorizeProject(principal, projectId, "project.read");
      // Compiled when the tool is called, not each time the catalog is listed.
      checkArguments ??= argumentCheck(definition.inputSchema);
      checkArguments(args);
      return call(projectId, args);
    },
  };
}
