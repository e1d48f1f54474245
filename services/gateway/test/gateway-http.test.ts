import { sourceTypeNames } from "@qamesh/connectors";
import { afterAll, describe, expect, it } from "vitest";
import { gatewayClient } from "@qamesh/testkit";
import type { createGateway, openApiDocument } from "../src/index.js";
import { requestBodies } from "../src/http/request-bodies.js";
import { maxSearchResults, textLimits } from "@qamesh/limits";
import { startTestGateway } from "./test-gateway.js";

/** A gateway whose peers are all down. */
const running = await startTestGateway();
const { gateway } = running;
const url = gateway.url;
const client = gatewayClient(() => url);
afterAll(() => running.stop());

describe("gateway with its dependencies down", () => {
  it("answers 503 naming the unavailable service, without a stack trace", async () => {
    const response = await fetch(`${url}/v1/projects`, { headers: { authorization: await client.authorization() } });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unavailable");
    expect(body.error.message).toContain("ingestion is unavailable");
  });

  it("is alive but not ready, listing each dependency", async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { dependencies: Record<string, string> };
    expect(Object.keys(body.dependencies).sort()).toEqual(["chat", "ingestion", "llm-profiles", "tool-runtime"]);
    expect(body.dependencies.ingestion).toMatch(/^unreachable/);
  });

  it("still validates input before calling anyone", async () => {
    const response = await fetch(`${url}/v1/projects`, { method: "POST", headers: { "content-type": "application/json", authorization: await client.authorization() }, body: "{}" });
    expect(response.status).toBe(400);
  });

  it("reports how long the credential check took (Server-Timing), only when it passed", async () => {
    const accepted = await fetch(`${url}/v1/me`, { headers: { authorization: await client.authorization() } });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("server-timing")).toMatch(/^auth;dur=\d+\.\d{3}$/);
    const refused = await fetch(`${url}/v1/me`, { headers: { authorization: "Bearer qm_not-a-key" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("server-timing")).toBeNull();
  });

  it("echoes a caller's request id", async () => {
    const response = await fetch(`${url}/health`, { headers: { "x-request-id": "trace-me-1" } });
    expect(response.headers.get("x-request-id")).toBe("trace-me-1");
  });
});

describe("OpenAPI document", () => {
  it("is served and lists exactly the routes the gateway serves", async () => {
    const served = (await (await fetch(`${url}/openapi.json`)).json()) as typeof openApiDocument;
    const documented = Object.entries(served.paths)
      .flatMap(([path, item]) => Object.keys(item).filter((key) => key !== "parameters").map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const routes = routesOf(gateway.app).sort();
    expect(documented).toEqual(routes);
  });

  it("describes every request body with the schema its route validates with, and leaves no reference dangling", async () => {
    const served = (await (await fetch(`${url}/openapi.json`)).json()) as { components: { schemas: Record<string, any> } };
    const references = [...JSON.stringify(served).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((match) => match[1]!);
    for (const name of new Set(references)) expect(served.components.schemas, `dangling reference to ${name}`).toHaveProperty(name);
    for (const name of Object.keys(requestBodies)) expect(references, `${name} is never used`).toContain(name);
    // The route's own limits, not a hand-kept copy: these drifted apart before.
    expect(served.components.schemas.Search.properties.k.maximum).toBe(maxSearchResults);
    expect(served.components.schemas.UpdateProject.properties.name.maxLength).toBe(textLimits.name);
    // One variant per type of the connectors registry, in the request body and in the Source response alike.
    expect(served.components.schemas.CreateSource.oneOf.map((variant: any) => variant.properties.type.const).sort()).toEqual([...sourceTypeNames].sort());
    expect(served.components.schemas.Source.oneOf.map((variant: any) => variant.properties.type.const).sort()).toEqual([...sourceTypeNames].sort());
    const invalid = await fetch(`${url}/v1/projects`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: await client.authorization() },
      body: JSON.stringify({ name: "x".repeat(served.components.schemas.CreateProject.properties.name.maxLength + 1) }),
    });
    expect(invalid.status).toBe(400);
  });
});

/** Method + path of every route registered on the express app, in OpenAPI path syntax. */
function routesOf(app: ReturnType<typeof createGateway>["app"]): string[] {
  const routes: string[] = [];
  const visit = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          routes.push(`${method.toUpperCase()} ${String(layer.route.path).replace(/:(\w+)/g, "{$1}")}`);
        }
      } else if (layer.handle?.stack) visit(layer.handle.stack);
    }
  };
  visit((app as any).router.stack);
  return routes;
}
