import { invalidArgument } from "@qamesh/errors";
import { createGrpcClient } from "@qamesh/grpc";
import type { CallSignal, PassageReference, ProjectTools, ToolPolicy } from "@qamesh/ports";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import type { SourceReference } from "@qamesh/proto/qamesh/common/v1/source_pb.js";

/** ProjectTools served by the tool-runtime service at `address`. */
export function projectToolsClient(address: string): ProjectTools & { close(): void } {
  const client = createGrpcClient(ToolRuntimeService, address, { peer: "tool-runtime" });
  const signalOf = (options?: CallSignal) => (options?.signal ? { signal: options.signal } : {});
  return {
    async list(projectId, options) {
      const { tools } = await client.listTools({ projectId }, signalOf(options));
      return tools.map((tool) => {
        const parameters: unknown = JSON.parse(tool.parametersJsonSchema || "{}");
        if (typeof parameters !== "object" || parameters === null) throw invalidArgument("parametersJsonSchema", `tool ${tool.name} has no JSON Schema object`);
        return { name: tool.name, description: tool.description, parametersJsonSchema: parameters as Record<string, unknown>, policy: policyOf(tool.policy), qualifiedName: tool.qualifiedName || tool.name };
      });
    },
    async invoke(projectId, name, argumentsJson, options) {
      const response = await client.invokeTool({ projectId, toolName: name, argumentsJson, ...(options?.approval ? { approval: options.approval } : {}) }, signalOf(options));
      return { resultJson: response.resultJson, passages: response.passages.map((passage) => ({ reference: passageReference(passage.reference), text: passage.text })) };
    },
    close: () => client.close(),
  };
}

/** A policy off the wire; one this client does not know is taken as the strictest. */
const policyOf = (policy: string): ToolPolicy => (policy === "allow" || policy === "ask" ? policy : policy === "" ? "allow" : "deny");

/** A reference off the wire (absent fields read as empty). */
function passageReference(reference: SourceReference | undefined): PassageReference {
  return {
    sourceId: reference?.sourceId ?? "",
    path: reference?.path ?? "",
    startLine: reference?.startLine ?? 0,
    endLine: reference?.endLine ?? 0,
    commit: reference?.commit ?? "",
    ...(reference?.title ? { title: reference.title } : {}),
    ...(reference?.url ? { url: reference.url } : {}),
    ...(reference?.symbol ? { symbol: reference.symbol, symbolKind: reference.symbolKind } : {}),
    ...(reference?.language ? { language: reference.language } : {}),
  };
}
