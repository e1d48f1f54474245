import OpenAI from "openai";
import type { Embedder } from "@qamesh/ports";

/** Embeddings from any OpenAI-compatible endpoint. */
export class OpenAiEmbedder implements Embedder {
  private readonly client: OpenAI;

  constructor(private readonly options: { baseUrl?: string; apiKey?: string; model: string; dimensions: number }) {
    this.client = new OpenAI({ baseURL: options.baseUrl ?? null, apiKey: options.apiKey ?? "not-needed", maxRetries: 2 });
  }

  get dimensions(): number {
    return this.options.dimensions;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const response = await this.client.embeddings.create({ model: this.options.model, input: [...texts] });
    return [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  }
}
