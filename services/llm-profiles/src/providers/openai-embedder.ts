import OpenAI from "openai";
import type { Embedder } from "@qamesh/ports";
import type { ProviderOptions } from "./provider-options.js";

/** Embeddings from any OpenAI-compatible endpoint. */
export class OpenAiEmbedder implements Embedder {
  private readonly client: OpenAI;

  constructor(private readonly options: ProviderOptions & { baseUrl?: string; dimensions: number }) {
    this.client = new OpenAI({ baseURL: options.baseUrl ?? null, apiKey: options.apiKey ?? "not-needed", maxRetries: options.maxRetries ?? 2, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }

  get dimensions(): number {
    return this.options.dimensions;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    // Floats, not the SDK's default base64: not every OpenAI-compatible server implements base64.
    const response = await this.client.embeddings.create({ model: this.options.model, input: [...texts], encoding_format: "float" });
    return [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  }
}
