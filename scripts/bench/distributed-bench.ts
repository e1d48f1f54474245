import { unthrottledRateLimits } from "@qamesh/gateway";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DistributedMesh, startRealServers } from "@qamesh/distributed";
import { benchApi, benchRootPassword, percentile } from "./bench-api.js";
import { EventLatencyProbe } from "./event-latency-probe.js";
import { pushFreshnessBench } from "./push-freshness-bench.js";

const latencyRuns = Number(process.env.BENCH_LATENCY_RUNS ?? 40);

/**
 * The distributed half of `npm run bench`: the same corpus through separate processes on Kafka,
 * FerretDB and Chroma, once with one connector worker and once with two, then many one-file
 * runs to measure ingestion.requested -> first document.indexed.
 */
export async function distributedBench(workDirectory: string, corpus: string, fileCount: number): Promise<string[]> {
  const servers = startRealServers();
  const lines = [`distributed — separate processes on Kafka, MongoDB (FerretDB), Chroma; ${fileCount} files`];
  for (const workers of [1, 2]) {
    const namespace = `bench${Date.now().toString(36)}w${workers}`;
    const dataDirectory = join(workDirectory, `distributed-${workers}`);
    const tinySources = join(dataDirectory, "tiny");
    const mesh = await DistributedMesh.start({
      servers,
      namespace,
      dataDirectory,
      connectorWorkers: workers,
      localSourceRoots: `${corpus}:${tinySources}:${dataDirectory}`,
      rootPassword: benchRootPassword,
      env: { LOG_LEVEL: "warn", EMBEDDING_PROVIDER: "hashing", ...unthrottledRateLimits },
    });
    const probe = new EventLatencyProbe(servers.KAFKA_BROKERS, `${namespace}.`);
    try {
      await probe.start();
      const { ingestFolder } = benchApi(mesh.gatewayUrl);
      const { run, seconds } = await ingestFolder("corpus", corpus);
      lines.push(`  ${workers} worker${workers > 1 ? "s" : " "}: ${run.counts.indexed} files in ${seconds.toFixed(2)} s = ${(run.counts.indexed / seconds).toFixed(1)} files/s`);
      if (workers === 2) {
        for (let i = 0; i < latencyRuns; i++) {
          const folder = join(tinySources, `p${i}`);
          await mkdir(folder, { recursive: true });
          await writeFile(join(folder, "note.md"), `# Note ${i}\n\nLatency probe number ${i}.\n`);
          await ingestFolder(`tiny-${i}`, folder);
        }
        const latencies = probe.latencies();
        lines.push(
          `  event latency, ingestion.requested published -> first document.indexed consumed (${latencies.length} runs): ` +
            `p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
        );
        lines.push(...(await pushFreshnessBench(mesh.gatewayUrl, corpus, join(dataDirectory, "push-repository"), "distributed, 2 workers")));
      }
    } finally {
      await probe.stop();
      await mesh.stop();
    }
  }
  return lines;
}
