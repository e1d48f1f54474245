/**
 * `npm run bench`: standalone mode, extractive answers. Ingests a generated 1,000-file corpus
 * and prints throughput and query latencies. Prints numbers; asserts nothing.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chunkText } from "@qamesh/connector-worker";
import { createLogger } from "@qamesh/logger";
import { ephemeralStandaloneConfig, startStandalone } from "@qamesh/standalone";
import { writeCorpus } from "./generated-corpus.js";

const fileCount = Number(process.env.BENCH_FILES ?? 1000);
const queryCount = Number(process.env.BENCH_QUERIES ?? 200);

const directory = { path: await mkdtemp(join(tmpdir(), "qamesh-bench-")) };
const corpus = join(directory.path, "corpus");
const facts = await writeCorpus(corpus, fileCount);
let chunkCount = 0;
for (const fact of facts) chunkCount += chunkText(fact.path, await readFile(join(corpus, fact.path), "utf8")).length;

const config = ephemeralStandaloneConfig(directory.path);
const running = await startStandalone(config, createLogger({ service: "bench", level: "silent" }));
const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${running.gatewayUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped API responses
};

try {
  await api("POST", "/v1/projects", { id: "bench", name: "bench corpus" });
  await api("POST", "/v1/projects/bench/sources", { type: "local", path: corpus });
  const started = performance.now();
  const run = await api("POST", "/v1/projects/bench/ingestions", { mode: "full" });
  let status = run;
  while (status.status !== "succeeded" && status.status !== "failed") {
    await sleep(50);
    status = await api("GET", `/v1/projects/bench/ingestions/${run.id}`);
  }
  const seconds = (performance.now() - started) / 1000;
  if (status.status !== "succeeded") throw new Error(`ingestion failed: ${JSON.stringify(status.errors)}`);

  const time = async (work: () => Promise<unknown>) => {
    const begin = performance.now();
    await work();
    return performance.now() - begin;
  };
  const searchLatencies: number[] = [];
  const askLatencies: number[] = [];
  let firstHitCorrect = 0;
  for (let i = 0; i < queryCount; i++) {
    const fact = facts[(i * 7919) % facts.length]!;
    searchLatencies.push(
      await time(async () => {
        const result = await api("POST", "/v1/projects/bench/search", { query: fact.question, k: 8 });
        if (result.hits[0]?.path === fact.path) firstHitCorrect++;
      }),
    );
    askLatencies.push(await time(() => api("POST", "/v1/projects/bench/ask", { question: fact.question })));
  }

  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  };
  const lines = [
    `qamesh bench — standalone, embedded adapters, extractive answers, ${fileCount} files`,
    `ingestion: ${status.counts.indexed} files, ${chunkCount} chunks in ${seconds.toFixed(2)} s`,
    `  files/s:  ${(status.counts.indexed / seconds).toFixed(1)}`,
    `  chunks/s: ${(chunkCount / seconds).toFixed(1)}`,
    `search (${queryCount} queries): p50 ${percentile(searchLatencies, 50).toFixed(1)} ms, p95 ${percentile(searchLatencies, 95).toFixed(1)} ms; first hit is the answering file for ${firstHitCorrect}/${queryCount}`,
    `ask    (${queryCount} queries): p50 ${percentile(askLatencies, 50).toFixed(1)} ms, p95 ${percentile(askLatencies, 95).toFixed(1)} ms`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
} finally {
  await running.stop();
  await rm(directory.path, { recursive: true, force: true });
}
