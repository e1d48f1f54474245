import { Ollama } from "ollama";
import type { Embedder } from "@qamesh/ports";

/** Embeddings from a model served by Ollama. */
export class OllamaEmbedder implements Embedder {
  private readonly client: Ollama;

  constructor(private readonly options: { baseUrl: string; model: string; dimensions: number }) {
    this.client = new Ollama({ host: options.baseUrl });
  }

  get dimensions(): number {
    return this.options.dimensions;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const response = await this.client.embed({ model: this.options.model, input: [...texts] });
    return response.embeddings;
  }
}
