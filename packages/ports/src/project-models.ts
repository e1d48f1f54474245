import type { EmbeddingPurpose } from "./embedder.js";
import type { CompletionEvent, CompletionRequest } from "./llm.js";

/** Lets a caller give up on a call it made (a client that went away). */
export interface CallSignal {
  signal?: AbortSignal;
}

/**
 * The models a project answers and embeds with, wherever they run: in the mesh, the
 * llm-profiles service resolves the project's profile and holds the keys, so callers never see
 * a provider or a key.
 */
export interface ProjectModels {
  /** Provider and model the project's answers come from (`extractive` offline), and whether it calls tools. */
  describe(projectId: string, options?: CallSignal): Promise<{ provider: string; model: string; callsTools: boolean }>;
  /** Streams the answer: text, complete tool calls, token counts. */
  complete(projectId: string, request: CompletionRequest, options?: CallSignal): AsyncIterable<CompletionEvent>;
  embed(projectId: string, texts: readonly string[], purpose: EmbeddingPurpose, options?: CallSignal): Promise<number[][]>;
}
