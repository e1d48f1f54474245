import { CodeSandbox } from "@qamesh/tool-runtime";
import { percentile } from "./bench-api.js";

const warmCalls = Number(process.env.BENCH_CODE_CALLS ?? 200);
const colds = 5;
const source = "return { total: args.items.reduce((sum, item) => sum + item, 0) };";
const limits = { timeoutMs: 2_000, memoryBytes: 16 * 1024 * 1024 };
const noFetch = () => Promise.reject(new Error("no fetch in this bench"));

/**
 * A code tool's call latency: cold (a new sandbox thread, which loads QuickJS's WebAssembly
 * module, then runs the script) and warm (a kept thread; each call still gets a fresh QuickJS
 * runtime). Prints p50/p95; asserts nothing.
 */
export async function codeToolBench(): Promise<string[]> {
  const cold: number[] = [];
  for (let index = 0; index < colds; index++) {
    const sandbox = new CodeSandbox();
    const start = performance.now();
    await sandbox.run(source, { items: [1, 2, 3] }, limits, noFetch);
    cold.push(performance.now() - start);
    await sandbox.close();
  }
  const sandbox = new CodeSandbox();
  const warm: number[] = [];
  try {
    await sandbox.run(source, { items: [1] }, limits, noFetch);
    for (let index = 0; index < warmCalls; index++) {
      const start = performance.now();
      await sandbox.run(source, { items: [1, 2, index] }, limits, noFetch);
      warm.push(performance.now() - start);
    }
  } finally {
    await sandbox.close();
  }
  const line = (name: string, times: number[]) => `  ${name}: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms`;
  return [`code tool (QuickJS in a worker thread, ${colds} cold and ${warmCalls} warm calls of a small script):`, line("cold (new thread)", cold), line("warm (kept thread, fresh runtime)", warm)];
}
