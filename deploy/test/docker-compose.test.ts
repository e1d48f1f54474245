import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { chatConfigSchema } from "@qamesh/chat";
import { connectorWorkerConfigSchema } from "@qamesh/connector-worker";
import { gatewayConfigSchema } from "@qamesh/gateway";
import { ingestionConfigSchema } from "@qamesh/ingestion";
import { llmProfilesConfigSchema } from "@qamesh/llm-profiles";
import { toolRuntimeConfigSchema } from "@qamesh/tool-runtime";

/** docker-compose.yml cannot run here (no Docker engine); this keeps it honest against the code. */
const schemas: Record<string, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  ingestion: ingestionConfigSchema,
  "connector-worker": connectorWorkerConfigSchema,
  chat: chatConfigSchema,
  "tool-runtime": toolRuntimeConfigSchema,
  "llm-profiles": llmProfilesConfigSchema,
};

const compose = parse(await readFile(new URL("../../docker-compose.yml", import.meta.url), "utf8"), { merge: true }) as {
  services: Record<string, { command: string[]; environment: Record<string, string> }>;
};

describe("docker-compose.yml", () => {
  it("runs every service", () => {
    expect(Object.keys(compose.services).sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(Object.keys(schemas))("%s: sets only variables its config knows, and they validate", (name) => {
    const service = compose.services[name]!;
    const schema = schemas[name]!;
    const known = Object.keys(schema.shape);
    for (const variable of Object.keys(service.environment)) expect(known, `${name} has no setting ${variable}`).toContain(variable);
    expect(() => schema.parse(service.environment)).not.toThrow();
    expect(service.command).toEqual(["npm", "run", "start", "-w", `@qamesh/${name}`]);
  });

  it("points every peer address at a service of the file", () => {
    const names = new Set(Object.keys(compose.services));
    for (const service of Object.values(compose.services)) {
      for (const [variable, value] of Object.entries(service.environment)) {
        if (variable.endsWith("_ADDRESS")) expect(names).toContain(value.split(":")[0]);
      }
    }
  });
});
