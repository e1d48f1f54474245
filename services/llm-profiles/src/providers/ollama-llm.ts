import { Ollama } from "ollama";
import type { CompletionRequest, Llm } from "@qamesh/ports";
import { groundedMessages } from "./grounded-prompt.js";

/** A model served by Ollama, streamed over its NDJSON chat API. */
export class OllamaLlm implements Llm {
  readonly name: string;
  private readonly client: Ollama;

  constructor(private readonly options: { baseUrl: string; model: string }) {
    this.name = `ollama:${options.model}`;
    this.client = new Ollama({ host: options.baseUrl });
  }

  async *complete(request: CompletionRequest): AsyncIterable<string> {
    const stream = await this.client.chat({ model: this.options.model, messages: groundedMessages(request), stream: true });
    for await (const part of stream) {
      if (part.message.content) yield part.message.content;
    }
  }
}
