import type { Ollama } from "ollama";
import type { Embedder } from "@qamesh/ports";
import { ollamaClient, type ProviderOptions } from "./provider-options.js";

/** Embeddings from a model served by Ollama. */
export class OllamaEmbedder implements Embedder {
  private readonly client: Ollama;

  constructor(private readonly options: ProviderOptions & { baseUrl: string; dimensions: number }) {
    this.client = ollamaClient(options);
  }

  get dimensions(): number {
    return this.options.dimensions;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const response = await this.client.embed({ model: this.options.model, input: [...texts] });
    return response.embeddings;
  }
}
