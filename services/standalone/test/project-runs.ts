import { expect } from "vitest";
import type { MeshHarness, WebhookRequest } from "@qamesh/testkit";

type ApiBody = Record<string, any>;

/** What the connector tests do again and again with a project: run its ingestion, search it, deliver a webhook. */
export function projectRuns(harness: () => MeshHarness, projectId: () => string) {
  return {
    /** Starts a run and waits for its end. */
    async run(mode: "full" | "incremental"): Promise<ApiBody> {
      const started = await harness().api("POST", `/v1/projects/${projectId()}/ingestions`, { mode });
      expect(started.status).toBe(202);
      return harness().waitForRun(projectId(), started.body.id);
    },
    async search(query: string, k = 5): Promise<ApiBody[]> {
      return (await harness().api("POST", `/v1/projects/${projectId()}/search`, { query, k })).body.hits as ApiBody[];
    },
    /** Posts a webhook delivery to a source, as its sender would. */
    async deliver(sourceId: string, request: WebhookRequest): Promise<{ status: number; body: ApiBody }> {
      const response = await fetch(`${harness().gatewayUrl}/v1/webhooks/${sourceId}`, { method: "POST", headers: request.headers, body: request.body });
      return { status: response.status, body: (await response.json()) as ApiBody };
    },
  };
}
