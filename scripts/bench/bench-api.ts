import { gatewayClient, testRootPassword } from "@qamesh/api-client";
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped API responses
export type ApiResponse = Record<string, any>;

/** The bench's meshes run with the same root password as the tests'. */
export const benchRootPassword = testRootPassword;

/** The gateway's JSON API as root, as the bench drives it. */
export function benchApi(gatewayUrl: string) {
  const client = gatewayClient(() => gatewayUrl);
  const api = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => (await client.api(method, path, body)).body as ApiResponse;
  return {
    api,
    authorization: () => client.authorization(),
    /** Registers a local folder as a project's source and runs a full ingestion; returns the finished run and its duration. */
    async ingestFolder(projectId: string, folder: string): Promise<{ run: ApiResponse; seconds: number }> {
      await api("POST", "/v1/projects", { id: projectId, name: projectId });
      await api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder });
      const started = performance.now();
      let run = await api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
      while (run.status !== "succeeded" && run.status !== "failed") {
        await sleep(20);
        run = await api("GET", `/v1/projects/${projectId}/ingestions/${run.id}`);
      }
      if (run.status !== "succeeded") throw new Error(`ingestion failed: ${JSON.stringify(run.errors)}`);
      return { run, seconds: (performance.now() - started) / 1000 };
    },
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A process's resident memory, as ps reports it. */
export async function residentMegabytes(pid: number): Promise<number> {
  const { stdout } = await promisify(execFile)("ps", ["-o", "rss=", "-p", String(pid)]);
  return Number(stdout.trim()) / 1024;
}
