import type { Message, Ollama, Tool } from "ollama";
import type { CompletionEvent, CompletionRequest, Llm, LlmMessage, LlmTool } from "@qamesh/ports";
import { groundedMessages } from "./grounded-prompt.js";
import { ollamaClient, type ProviderOptions } from "./provider-options.js";
import { newToolCallId } from "./tool-call-fragments.js";

/** A model served by Ollama, streamed over its NDJSON chat API, with tool calling. */
export class OllamaLlm implements Llm {
  readonly name: string;
  readonly callsTools = true;
  private readonly client: Ollama;

  constructor(private readonly options: ProviderOptions & { baseUrl: string }) {
    this.name = `ollama:${options.model}`;
    this.client = ollamaClient(options);
  }

  async *complete(request: CompletionRequest, options: { signal?: AbortSignal } = {}): AsyncIterable<CompletionEvent> {
    const stream = await this.client.chat({
      model: this.options.model,
      messages: groundedMessages(request).map(ollamaMessage),
      stream: true,
      ...(request.tools?.length ? { tools: request.tools.map(ollamaTool) } : {}),
      options: {
        ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
        ...(this.options.maxTokens !== undefined ? { num_predict: this.options.maxTokens } : {}),
        ...(this.options.contextWindow !== undefined ? { num_ctx: this.options.contextWindow } : {}),
      },
    });
    const abort = () => stream.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      for await (const part of stream) {
        if (part.message.content) yield { type: "text", text: part.message.content };
        // Ollama sends each call whole, arguments already parsed, and without an id.
        for (const call of part.message.tool_calls ?? []) {
          yield { type: "tool_call", call: { id: newToolCallId(), name: call.function.name, argumentsJson: JSON.stringify(call.function.arguments ?? {}) } };
        }
        if (part.done) yield { type: "usage", promptTokens: part.prompt_eval_count ?? 0, completionTokens: part.eval_count ?? 0 };
      }
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
  }
}

function ollamaMessage(message: LlmMessage): Message {
  if (message.role === "tool") return { role: "tool", content: message.content, tool_name: message.toolName };
  if (message.role === "assistant" && message.toolCalls?.length) {
    return { role: "assistant", content: message.content, tool_calls: message.toolCalls.map((call) => ({ function: { name: call.name, arguments: argumentsObject(call.argumentsJson) } })) };
  }
  return { role: message.role, content: message.content };
}

/** Ollama takes arguments as an object; a call the model wrote as invalid JSON goes back empty. */
function argumentsObject(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function ollamaTool(tool: LlmTool): Tool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parametersJsonSchema as NonNullable<Tool["function"]["parameters"]> } };
}
