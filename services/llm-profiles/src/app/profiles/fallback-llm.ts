import type { CompletionEvent, CompletionRequest, Llm } from "@qamesh/ports";

/**
 * A project's answering model with its fallbacks: each is tried in order while the one before
 * fails (a provider down, a 429 or 503) before writing anything; once a model has written, its
 * answer is the answer, and a failure then is the answer's failure. The first event names the
 * model that writes, so the answer can say which one did.
 */
export class FallbackLlm implements Llm {
  readonly name: string;
  readonly callsTools: boolean;

  constructor(private readonly chain: readonly Llm[]) {
    if (chain.length === 0) throw new Error("a fallback chain needs a model");
    this.name = chain[0]!.name;
    // The agent plans its turn for the first; a fallback must be able to follow it.
    this.callsTools = chain.every((llm) => llm.callsTools);
  }

  async *complete(request: CompletionRequest, options: { signal?: AbortSignal } = {}): AsyncIterable<CompletionEvent> {
    const failures: string[] = [];
    for (const llm of this.chain) {
      let wrote = false;
      try {
        for await (const event of llm.complete(request, options)) {
          if (!wrote) yield { type: "model", name: llm.name };
          wrote = true;
          yield event;
        }
        if (!wrote) yield { type: "model", name: llm.name };
        return;
      } catch (error) {
        if (wrote || options.signal?.aborted) throw error;
        failures.push(`${llm.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new Error(`every model of the project failed (${failures.join("; ")})`);
  }
}
