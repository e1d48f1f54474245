import { randomUUID } from "node:crypto";
import type { ToolCall } from "@qamesh/ports";

/** One streamed piece of a tool call, as OpenAI-compatible servers send them in `delta.tool_calls`. */
export interface ToolCallFragment {
  index: number;
  id?: string | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

/**
 * Assembles streamed tool calls: the first fragment of an index carries the id and name, later
 * ones pieces of the arguments. Calls come out in index order; one whose server gave no id gets
 * one, since the tool's result must name its call.
 */
export class ToolCallFragments {
  private readonly calls = new Map<number, { id: string; name: string; argumentsJson: string }>();

  add(fragment: ToolCallFragment): void {
    const call = this.calls.get(fragment.index) ?? { id: "", name: "", argumentsJson: "" };
    if (fragment.id) call.id = fragment.id;
    if (fragment.function?.name) call.name += fragment.function.name;
    if (fragment.function?.arguments) call.argumentsJson += fragment.function.arguments;
    this.calls.set(fragment.index, call);
  }

  complete(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({ id: call.id || newToolCallId(), name: call.name, argumentsJson: call.argumentsJson || "{}" }));
  }
}

/** An id for a call whose provider gave none (Ollama never does). */
export function newToolCallId(): string {
  return `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}
