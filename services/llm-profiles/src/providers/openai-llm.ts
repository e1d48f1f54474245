import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { CompletionEvent, CompletionRequest, Llm, LlmMessage, LlmTool } from "@qamesh/ports";
import { groundedMessages } from "./grounded-prompt.js";
import type { ProviderOptions } from "./provider-options.js";
import { ToolCallFragments } from "./tool-call-fragments.js";

/** Any OpenAI-compatible chat completions endpoint, streamed, with function calling. */
export class OpenAiLlm implements Llm {
  readonly name: string;
  readonly callsTools = true;
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(private readonly options: ProviderOptions & { baseUrl?: string }) {
    this.name = `openai:${options.model}`;
    this.client = new OpenAI({ baseURL: options.baseUrl ?? null, apiKey: options.apiKey ?? "not-needed", maxRetries: options.maxRetries ?? 1, ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.model = options.model;
  }

  async *complete(request: CompletionRequest, options: { signal?: AbortSignal } = {}): AsyncIterable<CompletionEvent> {
    const stream = await this.client.chat.completions.create(
      {
        model: this.model,
        messages: groundedMessages(request).map(openAiMessage),
        stream: true,
        // The last chunk then carries the token counts.
        stream_options: { include_usage: true },
        ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
        ...(this.options.maxTokens !== undefined ? { max_tokens: this.options.maxTokens } : {}),
        ...(request.tools?.length ? { tools: request.tools.map(openAiTool) } : {}),
      },
      options.signal ? { signal: options.signal } : {},
    );
    const calls = new ToolCallFragments();
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) yield { type: "text", text: delta.content };
      for (const fragment of delta?.tool_calls ?? []) calls.add(fragment);
      if (chunk.usage) yield { type: "usage", promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
    }
    for (const call of calls.complete()) yield { type: "tool_call", call };
  }
}

function openAiMessage(message: LlmMessage): ChatCompletionMessageParam {
  if (message.role === "tool") return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  if (message.role === "assistant" && message.toolCalls?.length) {
    return {
      role: "assistant",
      content: message.content || null,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.argumentsJson } })),
    };
  }
  return { role: message.role, content: message.content };
}

function openAiTool(tool: LlmTool): ChatCompletionTool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parametersJsonSchema } };
}
