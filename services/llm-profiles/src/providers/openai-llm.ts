import OpenAI from "openai";
import type { CompletionRequest, Llm } from "@qamesh/ports";
import { groundedMessages } from "./grounded-prompt.js";

/** Any OpenAI-compatible chat completions endpoint, streamed. */
export class OpenAiLlm implements Llm {
  readonly name: string;
  private readonly client: OpenAI;

  constructor(options: { baseUrl?: string; apiKey?: string; model: string }) {
    this.name = `openai:${options.model}`;
    this.client = new OpenAI({ baseURL: options.baseUrl ?? null, apiKey: options.apiKey ?? "not-needed", maxRetries: 1 });
    this.model = options.model;
  }

  private readonly model: string;

  async *complete(request: CompletionRequest): AsyncIterable<string> {
    const stream = await this.client.chat.completions.create({
      model: this.model,
      messages: groundedMessages(request),
      stream: true,
    });
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) yield delta;
    }
  }
}
