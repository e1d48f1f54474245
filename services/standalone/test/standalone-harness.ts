import { createLogger } from "@qamesh/logger";
import { eventually, temporaryDirectory } from "@qamesh/testkit";
import { expect } from "vitest";
import { ephemeralStandaloneConfig, startStandalone, type RunningStandalone } from "../src/index.js";

export interface Harness {
  root: string;
  running: RunningStandalone;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  waitForRun(projectId: string, runId: string): Promise<any>;
  /** Stops the mesh and starts a new one on the same data directory, as a process restart would. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The real standalone mesh on free ports, with a temporary data directory and no demo. */
export async function startHarness(settings: Record<string, string> = {}): Promise<Harness> {
  const directory = await temporaryDirectory("e2e");
  const start = () => startStandalone(ephemeralStandaloneConfig(directory.path, settings), createLogger({ service: "test", level: "silent" }));
  const harness: Harness = {
    root: directory.path,
    running: await start(),
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${harness.running.gatewayUrl}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      const type = response.headers.get("content-type") ?? "";
      return { status: response.status, body: type.includes("json") && text ? JSON.parse(text) : text };
    },
    async waitForRun(projectId, runId) {
      return eventually(async () => {
        const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${runId}`);
        expect(["succeeded", "failed"]).toContain(body.status);
        return body;
      }, 60_000, 100);
    },
    async restart() {
      await harness.running.stop();
      harness.running = await start();
    },
    async stop() {
      await harness.running.stop();
      await directory.remove();
    },
  };
  return harness;
}
