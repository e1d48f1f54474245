import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CompletionEvent, CompletionRequest, LlmMessage, ToolCall } from "@qamesh/ports";
import type { ChatMessage, CompleteChunk, CompleteChunkSchema, CompleteRequest, CompleteRequestSchema } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";

/**
 * The completion port's types on the wire of llm-profiles' Complete, both ways: the client
 * (mesh-clients) and the server (llm-profiles) convert with the same functions.
 */

export function completionRequestMessage(projectId: string, request: CompletionRequest): MessageInitShape<typeof CompleteRequestSchema> {
  return {
    projectId,
    messages: request.messages.map((message) => {
      if (message.role === "tool") return { role: "tool", content: message.content, toolCallId: message.toolCallId, toolName: message.toolName };
      if (message.role === "assistant") return { role: "assistant", content: message.content, toolCalls: [...(message.toolCalls ?? [])] };
      return { role: message.role, content: message.content };
    }),
    documents: [...request.documents],
    tools: (request.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description, parametersJsonSchema: JSON.stringify(tool.parametersJsonSchema) })),
  };
}

/** The request a server received; undefined `field` names what was not valid. */
export function completionRequestFromMessage(message: CompleteRequest): CompletionRequest | { invalidField: string; reason: string } {
  const messages: LlmMessage[] = [];
  for (const [index, turn] of message.messages.entries()) {
    const converted = llmMessage(turn);
    if (!converted) return { invalidField: `messages[${index}].role`, reason: "role must be system, user, assistant or tool (with toolCallId)" };
    messages.push(converted);
  }
  const tools = [];
  for (const [index, tool] of message.tools.entries()) {
    let parameters: unknown;
    try {
      parameters = JSON.parse(tool.parametersJsonSchema || "{}");
    } catch {
      return { invalidField: `tools[${index}].parametersJsonSchema`, reason: "must be a JSON Schema object" };
    }
    if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) return { invalidField: `tools[${index}].parametersJsonSchema`, reason: "must be a JSON Schema object" };
    tools.push({ name: tool.name, description: tool.description, parametersJsonSchema: parameters as Record<string, unknown> });
  }
  return { messages, documents: message.documents.map(({ title, text }) => ({ title, text })), ...(tools.length ? { tools } : {}) };
}

function llmMessage(turn: ChatMessage): LlmMessage | undefined {
  switch (turn.role) {
    case "system":
    case "user":
      return { role: turn.role, content: turn.content };
    case "assistant":
      return { role: "assistant", content: turn.content, ...(turn.toolCalls.length ? { toolCalls: turn.toolCalls.map(toolCall) } : {}) };
    case "tool":
      return turn.toolCallId ? { role: "tool", toolCallId: turn.toolCallId, toolName: turn.toolName, content: turn.content } : undefined;
    default:
      return undefined;
  }
}

const toolCall = (call: ToolCall): ToolCall => ({ id: call.id, name: call.name, argumentsJson: call.argumentsJson });

export function completionChunkMessage(event: CompletionEvent): MessageInitShape<typeof CompleteChunkSchema> {
  switch (event.type) {
    case "text":
      return { event: { case: "text", value: event.text } };
    case "tool_call":
      return { event: { case: "toolCall", value: event.call } };
    case "usage":
      return { event: { case: "usage", value: { promptTokens: event.promptTokens, completionTokens: event.completionTokens } } };
    case "model":
      return { event: { case: "model", value: event.name } };
  }
}

export function completionEventFromChunk(chunk: CompleteChunk): CompletionEvent | undefined {
  const { event } = chunk;
  if (event.case === "text") return { type: "text", text: event.value };
  if (event.case === "toolCall") return { type: "tool_call", call: toolCall(event.value) };
  if (event.case === "usage") return { type: "usage", promptTokens: event.value.promptTokens, completionTokens: event.value.completionTokens };
  if (event.case === "model") return { type: "model", name: event.value };
  return undefined;
}
