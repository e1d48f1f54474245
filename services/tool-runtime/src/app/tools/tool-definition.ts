import { z } from "zod";
import type { CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import type { Passage } from "@qamesh/ports";
import type { ToolPolicy } from "@qamesh/custom-tools";

/** What a tool run gives back: its own result (JSON for the model), and the passages it read (which answers cite). */
export interface ToolOutput {
  result: unknown;
  passages: Passage[];
}

export interface ToolDefinition {
  name: string;
  description: string;
  parametersJsonSchema: Record<string, unknown>;
  /**
   * A tool a project admin defined (absent for built-in tools): its record, kind, the policy it
   * was defined with, and the name policies match (http:order_status, mcp:jira:search).
   */
  custom?: { id: string; kind: string; policy: ToolPolicy; qualifiedName: string };
  /** Runs for `principal`, whom the tool authorizes for what it does; `args` are checked against the schema first. */
  run(principal: CallPrincipal, projectId: string, args: Record<string, unknown>): Promise<ToolOutput>;
}

/**
 * A tool from one zod schema of its arguments: the JSON Schema the model is shown and the
 * check its arguments pass are the same thing, so they cannot disagree. A failing check names
 * the argument (`arguments.<name>`).
 */
export function defineTool<S extends z.ZodObject>(tool: {
  name: string;
  description: string;
  parameters: S;
  run(principal: CallPrincipal, projectId: string, args: z.infer<S>): Promise<ToolOutput>;
}): ToolDefinition {
  const { $schema: _dialect, ...parametersJsonSchema } = z.toJSONSchema(tool.parameters, { io: "input" }) as Record<string, unknown>;
  return {
    name: tool.name,
    description: tool.description,
    parametersJsonSchema,
    async run(principal, projectId, args) {
      const parsed = tool.parameters.safeParse(args);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = ["arguments", ...issue.path.map(String)].join(".");
        throw invalidArgument(field, `${issue.path.length > 0 ? issue.path.join(".") : "arguments"}: ${issue.message}`);
      }
      return tool.run(principal, projectId, parsed.data);
    },
  };
}
