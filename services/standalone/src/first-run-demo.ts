import { gatewayClient } from "@qamesh/api-client";
import type { Logger } from "@qamesh/logger";

/**
 * On an empty data directory: registers this repository as project "demo", starts its
 * ingestion, and tells the newcomer how to ask a question, with a working credential (an API
 * key of root's, made for the demo). Goes through the public API, the same way a user would.
 */
export async function startFirstRunDemo(gatewayUrl: string, repositoryRoot: string, rootPassword: string, logger: Logger): Promise<void> {
  const api = gatewayClient(() => gatewayUrl, { username: "root", password: rootPassword });
  const existing = await api.api("GET", "/v1/projects");
  if ((existing.body.projects as unknown[]).length > 0) return;

  await api.api("POST", "/v1/projects", { id: "demo", name: "qamesh (demo)", description: "This repository, indexed on first start." });
  const source = await api.api("POST", "/v1/projects/demo/sources", { type: "local", name: "qamesh repository", path: repositoryRoot });
  if (source.status !== 201) {
    logger.warn({ response: source.body }, "demo source could not be created");
    return;
  }
  const run = await api.api("POST", "/v1/projects/demo/ingestions", { mode: "full" });
  const key = await api.api("POST", "/v1/api-keys", { name: "first-run demo" });
  const authorization = `-H 'authorization: Bearer ${String(key.body.key)}'`;
  const lines = [
    "",
    `qamesh is running: ${gatewayUrl}  (API description: ${gatewayUrl}/openapi.json)`,
    `Indexing this repository as project "demo" (run ${String(run.body.id)}); follow it with:`,
    `  curl -s ${authorization} ${gatewayUrl}/v1/projects/demo/ingestions/${String(run.body.id)}`,
    "Then ask a question:",
    `  curl -s -X POST ${gatewayUrl}/v1/projects/demo/ask ${authorization} -H 'content-type: application/json' -d '{"question":"How are ingestion runs tracked?"}'`,
    "(The API key in these lines is root's, made for this demo: DELETE /v1/api-keys/<id> ends it.)",
    "",
  ];
  process.stdout.write(lines.join("\n"));
}
