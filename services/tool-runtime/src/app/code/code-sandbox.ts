import { Worker } from "node:worker_threads";

/** What one run of a script may use. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
}

/** The host side of the script's `fetch`: makes the request (with the guarded client) or says why not. */
export type SandboxFetch = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, remainingMs: number) => Promise<{ status: number; contentType: string; text: string }>;

export type SandboxOutcome = { resultJson: string } | { error: string };

/** Past the script's own deadline, how long a thread may stay silent before it is killed. */
const killGraceMs = 1_000;
const maxResultChars = 64_000;
/** Threads kept: each runs one script at a time; more calls wait their turn. */
const poolSize = 2;

interface SandboxThread {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
}

/**
 * Runs project admins' scripts in QuickJS (WebAssembly) inside worker threads tool-runtime can
 * kill: each call gets a fresh QuickJS runtime with a memory limit and a deadline; a thread whose
 * script outlives the deadline (or whose runtime did not come down cleanly) is terminated and a
 * new one started, so nothing a script does reaches the service's own thread. Threads are kept
 * between calls (a warm call skips loading the WebAssembly module).
 */
export class CodeSandbox {
  private readonly threads: SandboxThread[] = [];
  private readonly waiting: (() => void)[] = [];
  private nextCallId = 0;

  async run(source: string, args: Record<string, unknown>, limits: SandboxLimits, fetch: SandboxFetch): Promise<SandboxOutcome> {
    const thread = await this.acquire();
    const callId = String(this.nextCallId++);
    const deadline = Date.now() + limits.timeoutMs;
    let retire = false;
    try {
      try {
        await thread.ready;
      } catch {
        // A thread that could not start is not kept for the next call.
        retire = true;
        return { error: "the script's sandbox could not start" };
      }
      return await new Promise<SandboxOutcome>((resolve) => {
        const finish = (outcome: SandboxOutcome) => {
          clearTimeout(killer);
          thread.worker.off("message", onMessage);
          thread.worker.off("error", onError);
          resolve(outcome);
        };
        const killer = setTimeout(() => {
          retire = true;
          finish({ error: "the script ran past its deadline" });
        }, limits.timeoutMs + killGraceMs);
        const onError = () => {
          retire = true;
          finish({ error: "the script's sandbox failed" });
        };
        const onMessage = (message: { type: string; callId?: string; id?: string; url?: string; init?: Parameters<SandboxFetch>[1]; resultJson?: string; error?: string }) => {
          if (message.type === "unhealthy") retire = true;
          else if (message.type === "fetch" && message.id) {
            const id = message.id;
            fetch(message.url ?? "", message.init ?? {}, Math.max(1, deadline - Date.now())).then(
              (answer) => thread.worker.postMessage({ type: "fetched", id, ...answer }),
              (error: unknown) => thread.worker.postMessage({ type: "fetched", id, error: error instanceof Error ? error.message : String(error) }),
            );
          } else if (message.type === "result" && message.callId === callId) {
            finish(message.error !== undefined ? { error: message.error } : { resultJson: message.resultJson ?? "null" });
          }
        };
        thread.worker.on("message", onMessage);
        thread.worker.on("error", onError);
        thread.worker.postMessage({ type: "run", callId, source, args, timeoutMs: limits.timeoutMs, memoryBytes: limits.memoryBytes, maxResultChars });
      });
    } finally {
      this.release(thread, retire);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((thread) => thread.worker.terminate()));
  }

  private async acquire(): Promise<SandboxThread> {
    for (;;) {
      const idle = this.threads.find((thread) => !thread.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.threads.length < poolSize) {
        const thread = startThread();
        thread.busy = true;
        this.threads.push(thread);
        return thread;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(thread: SandboxThread, retire: boolean): void {
    thread.busy = false;
    if (retire) {
      this.threads.splice(this.threads.indexOf(thread), 1);
      void thread.worker.terminate();
    }
    this.waiting.shift()?.();
  }
}

function startThread(): SandboxThread {
  // The thread's own V8 heap is bounded too: a script's memory lives in WebAssembly memory, but
  // nothing in that thread can grow the service's heap.
  const worker = new Worker(new URL("./sandbox-worker.mjs", import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 128 }, stdout: true, stderr: true });
  // QuickJS reports a runtime that did not free cleanly on stderr; the thread is retired for it.
  worker.stdout.resume();
  worker.stderr.resume();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  ready.catch(() => undefined);
  return { worker, ready, busy: false };
}
