import { expect } from "vitest";
import { eventually } from "./eventually.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON loosely, as a client would */
export interface GatewayClient {
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Polls a run until it has finished, either way. */
  waitForRun(projectId: string, runId: string, timeoutMs?: number): Promise<any>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The public HTTP API as a test drives it; `baseUrl` is read per call, so a restarted mesh is followed. */
export function gatewayClient(baseUrl: () => string): GatewayClient {
  const client: GatewayClient = {
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      const type = response.headers.get("content-type") ?? "";
      return { status: response.status, body: type.includes("json") && text ? JSON.parse(text) : text };
    },
    async waitForRun(projectId, runId, timeoutMs = 60_000) {
      return eventually(async () => {
        const { body } = await client.api("GET", `/v1/projects/${projectId}/ingestions/${runId}`);
        expect(["succeeded", "failed"]).toContain(body.status);
        return body;
      }, timeoutMs, 100);
    },
  };
  return client;
}
