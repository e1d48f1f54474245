import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@qamesh/config";
import { unthrottledRateLimits } from "@qamesh/gateway";
import type { CorpusFact } from "./generated-corpus.js";
import { benchApi, benchRootPassword, percentile, residentMegabytes } from "./bench-api.js";

const searchSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const streamCount = Number(process.env.BENCH_STREAMS ?? 500);
/** A directory to write the server's CPU profile to (node --cpu-prof), to see where its time goes. */
const serverProfileDirectory = process.env.BENCH_SERVER_PROFILE;

/**
 * The load part of `npm run bench`, against `npm start`'s own process (so the server's CPU and
 * memory are measured apart from the client's): search throughput and latency with 1, 4 and 50
 * requests in flight, then `streamCount` streaming asks at once, with the time to each one's
 * first event and the server's resident memory before and at its peak.
 */
export async function loadBench(workDirectory: string, corpus: string, facts: readonly CorpusFact[]): Promise<string[]> {
  const port = await freePort();
  const profile = serverProfileDirectory ? ["--cpu-prof", `--cpu-prof-dir=${serverProfileDirectory}`] : [];
  const server = spawn(process.execPath, [...profile, "--import", "tsx", "services/standalone/src/main.ts"], {
    env: {
      ...process.env,
      DATA_DIR: join(workDirectory, "load-data"),
      GATEWAY_PORT: String(port),
      INGESTION_GRPC_PORT: "0",
      CHAT_GRPC_PORT: "0",
      TOOL_RUNTIME_GRPC_PORT: "0",
      LLM_PROFILES_GRPC_PORT: "0",
      QAMESH_DEMO: "false",
      LOCAL_SOURCE_ROOTS: corpus,
      LOG_LEVEL: "warn",
      QAMESH_ROOT_PASSWORD: benchRootPassword,
      ...unthrottledRateLimits,
    },
    stdio: "ignore",
  });
  const gatewayUrl = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0; !(await fetch(`${gatewayUrl}/health`).then((r) => r.ok, () => false)); attempt++) {
      if (attempt > 300) throw new Error("the standalone process did not start");
      await sleep(100);
    }
    const { api, authorization, ingestFolder } = benchApi(gatewayUrl);
    await ingestFolder("load", corpus);
    const lines = [`load — against the standalone process (pid ${server.pid}), ${facts.length} files indexed`];
    for (const connections of [1, 4, 50]) {
      const latencies: number[] = [];
      const until = performance.now() + searchSeconds * 1000;
      let next = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (performance.now() < until) {
            const fact = facts[next++ % facts.length]!;
            const begin = performance.now();
            await api("POST", "/v1/projects/load/search", { query: fact.question, k: 8 });
            latencies.push(performance.now() - begin);
          }
        }),
      );
      lines.push(
        `  search, ${String(connections).padStart(2)} in flight: ${(latencies.length / searchSeconds).toFixed(1)} requests/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
      );
    }

    const rssBefore = await residentMegabytes(server.pid!);
    let rssPeak = rssBefore;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        rssPeak = Math.max(rssPeak, await residentMegabytes(server.pid!));
        await sleep(100);
      }
    })();
    const started = performance.now();
    const firstEvents = await Promise.all(
      Array.from({ length: streamCount }, async (_, i) => streamingAsk(port, await authorization(), facts[i % facts.length]!.question)),
    );
    const allDone = performance.now() - started;
    sampling = false;
    await sampler;
    const completed = firstEvents.filter((latency) => latency !== undefined);
    lines.push(
      `  ${streamCount} streaming asks at once: ${completed.length} completed in ${(allDone / 1000).toFixed(1)} s; first event p50 ${percentile(completed, 50).toFixed(0)} ms, p95 ${percentile(completed, 95).toFixed(0)} ms; server RSS ${rssBefore.toFixed(0)} MB before, ${rssPeak.toFixed(0)} MB at peak`,
    );
    return lines;
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
}

/** Milliseconds to the answer's first event, once it has ended; undefined when it failed. */
function streamingAsk(port: number, authorization: string, question: string): Promise<number | undefined> {
  const begin = performance.now();
  return new Promise((resolve) => {
    let first: number | undefined;
    const call = request(
      { host: "127.0.0.1", port, path: "/v1/projects/load/ask", method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream", authorization } },
      (response) => {
        response.on("data", () => {
          first ??= performance.now() - begin;
        });
        response.on("end", () => resolve(response.statusCode === 200 ? first : undefined));
      },
    );
    call.on("error", () => resolve(undefined));
    call.end(JSON.stringify({ question }));
  });
}
