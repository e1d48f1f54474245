/** A call the model asks for. The arguments are the JSON text the model wrote, which may be invalid. */
export interface ToolCall {
  /** Unique within one answer: the tool's result names it. */
  id: string;
  name: string;
  argumentsJson: string;
}

/** One turn of a conversation with a model, tool calls and their results included. */
export type LlmMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: readonly ToolCall[] }
  | { role: "tool"; toolCallId: string; toolName: string; content: string };

/** A passage the model may quote; the prompt numbers them from 1 in order. */
export interface LlmDocument {
  title: string;
  text: string;
}

/** A tool the model may call, described as the providers' function-calling APIs expect. */
export interface LlmTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parametersJsonSchema: Record<string, unknown>;
}

export interface CompletionRequest {
  messages: readonly LlmMessage[];
  documents: readonly LlmDocument[];
  /** Tools the model may call this turn; none means it must answer in text. */
  tools?: readonly LlmTool[];
}

/**
 * What a completion streams: text as it is written, each tool call once its arguments are
 * complete (providers assemble the fragments), the token counts when the model reports them, and
 * which model writes when that is not the one the project names first.
 */
export type CompletionEvent =
  | { type: "text"; text: string }
  /** Which model writes this completion (first, when a project's model has fallbacks): "openai:gpt-4o". */
  | { type: "model"; name: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "usage"; promptTokens: number; completionTokens: number };

export interface Llm {
  /** Name shown to users with the answer, e.g. "openai:gpt-4o-mini" or "extractive". */
  readonly name: string;
  /** Whether it can call tools; callers of one that cannot retrieve first and ask it to answer. */
  readonly callsTools: boolean;
  complete(request: CompletionRequest, options?: { signal?: AbortSignal }): AsyncIterable<CompletionEvent>;
}
