export interface LlmMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A passage the model may quote; the prompt numbers them from 1 in order. */
export interface LlmDocument {
  title: string;
  text: string;
}

export interface CompletionRequest {
  messages: readonly LlmMessage[];
  documents: readonly LlmDocument[];
}

export interface Llm {
  /** Name shown to users with the answer, e.g. "openai:gpt-4o-mini" or "extractive". */
  readonly name: string;
  /** Yields the answer as text deltas. */
  complete(request: CompletionRequest): AsyncIterable<string>;
}
