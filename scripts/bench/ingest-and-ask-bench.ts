/**
 * `npm run bench`: ingests a generated 1,000-file corpus and prints throughput and latencies.
 * First standalone (embedded adapters, extractive answers, query latencies), then load against
 * the standalone process (search at 1/4/50 in flight, 500 streaming asks at once) unless
 * BENCH_LOAD=false, then chats with a scripted model (the mesh's first-token cost, tokens/s to
 * 1/100/1000 SSE streams, a three-tool-step answer) unless BENCH_CHAT=false, push-to-answer
 * freshness (signed push webhooks to a git copy of the corpus) in both modes, then distributed (separate processes on Kafka, FerretDB, Chroma; one and two
 * workers; event latency) unless BENCH_DISTRIBUTED=false, and last the two lexical-index adapters
 * side by side (the MongoDB one unless BENCH_DISTRIBUTED=false). Prints numbers; asserts nothing.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileChunker } from "@qamesh/connector-worker";
import { createLogger } from "@qamesh/logger";
import { ephemeralStandaloneEnvironment, startStandalone } from "@qamesh/standalone";
import { benchApi, percentile } from "./bench-api.js";
import { authBench } from "./auth-bench.js";
import { startRealServers } from "@qamesh/distributed";
import { distributedBench } from "./distributed-bench.js";
import { lexicalIndexBench } from "./lexical-index-bench.js";
import { chatBench } from "./chat-bench.js";
import { loadBench } from "./load-bench.js";
import { pushFreshnessBench } from "./push-freshness-bench.js";
import { httpToolBench } from "./http-tool-bench.js";
import { codeToolBench } from "./code-tool-bench.js";
import { writeCorpus } from "./generated-corpus.js";

const fileCount = Number(process.env.BENCH_FILES ?? 1000);
const queryCount = Number(process.env.BENCH_QUERIES ?? 200);
const distributed = process.env.BENCH_DISTRIBUTED !== "false";
const load = process.env.BENCH_LOAD !== "false";
const chat = process.env.BENCH_CHAT !== "false";

const directory = await mkdtemp(join(tmpdir(), "qamesh-bench-"));
const corpus = join(directory, "corpus");
const facts = await writeCorpus(corpus, fileCount);
let chunkCount = 0;
const chunker = new FileChunker();
for (const fact of facts) chunkCount += (await chunker.chunk(fact.path, await readFile(join(corpus, fact.path), "utf8"))).length;

const running = await startStandalone(ephemeralStandaloneEnvironment(directory), createLogger({ service: "bench", level: "silent" }));
try {
  const { api, ingestFolder } = benchApi(running.gatewayUrl);
  const { run, seconds } = await ingestFolder("bench", corpus);

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
  const lines = [
    `qamesh bench — standalone, embedded adapters, extractive answers, ${fileCount} files`,
    `ingestion: ${run.counts.indexed} files, ${chunkCount} chunks in ${seconds.toFixed(2)} s`,
    `  files/s:  ${(run.counts.indexed / seconds).toFixed(1)}`,
    `  chunks/s: ${(chunkCount / seconds).toFixed(1)}`,
    `search (${queryCount} queries): p50 ${percentile(searchLatencies, 50).toFixed(1)} ms, p95 ${percentile(searchLatencies, 95).toFixed(1)} ms; first hit is the answering file for ${firstHitCorrect}/${queryCount}`,
    `ask    (${queryCount} queries): p50 ${percentile(askLatencies, 50).toFixed(1)} ms, p95 ${percentile(askLatencies, 95).toFixed(1)} ms`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
  process.stdout.write((await authBench(running.gatewayUrl, "bench", directory)).join("\n") + "\n");
  process.stdout.write((await pushFreshnessBench(running.gatewayUrl, corpus, join(directory, "push-repository"), "standalone")).join("\n") + "\n");
  process.stdout.write((await httpToolBench()).join("\n") + "\n");
  process.stdout.write((await codeToolBench()).join("\n") + "\n");
} finally {
  await running.stop();
}
try {
  if (load) process.stdout.write((await loadBench(directory, corpus, facts)).join("\n") + "\n");
  if (chat) process.stdout.write((await chatBench(directory, corpus)).join("\n") + "\n");
  if (distributed) process.stdout.write((await distributedBench(directory, corpus, fileCount)).join("\n") + "\n");
  const mongodbUri = distributed ? startRealServers().MONGODB_URI : undefined;
  process.stdout.write((await lexicalIndexBench(directory, corpus, facts, mongodbUri)).join("\n") + "\n");
} finally {
  await rm(directory, { recursive: true, force: true });
}
