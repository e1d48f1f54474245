import type { Logger } from "@qamesh/logger";

/**
 * On an empty data directory: registers this repository as project "demo", starts its
 * ingestion, and tells the newcomer how to ask a question. Goes through the public API, the
 * same way a user would.
 */
export async function startFirstRunDemo(gatewayUrl: string, repositoryRoot: string, logger: Logger): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = response.status === 204 ? undefined : await response.json();
    return { status: response.status, payload: payload as Record<string, unknown> };
  };
  const existing = await call("GET", "/v1/projects");
  if ((existing.payload.projects as unknown[]).length > 0) return;

  await call("POST", "/v1/projects", { id: "demo", name: "qamesh (demo)", description: "This repository, indexed on first start." });
  const source = await call("POST", "/v1/projects/demo/sources", { type: "local", name: "qamesh repository", path: repositoryRoot });
  if (source.status !== 201) {
    logger.warn({ response: source.payload }, "demo source could not be created");
    return;
  }
  const run = await call("POST", "/v1/projects/demo/ingestions", { mode: "full" });
  const lines = [
    "",
    `qamesh is running: ${gatewayUrl}  (API description: ${gatewayUrl}/openapi.json)`,
    `Indexing this repository as project "demo" (run ${String(run.payload.id)}); follow it with:`,
    `  curl -s ${gatewayUrl}/v1/projects/demo/ingestions/${String(run.payload.id)}`,
    "Then ask a question:",
    `  curl -s -X POST ${gatewayUrl}/v1/projects/demo/ask -H 'content-type: application/json' -d '{"question":"How are ingestion runs tracked?"}'`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
}
