import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { infrastructureImages, serviceConfigSchemas } from "./service-config-schemas.js";

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
}

/** docker-compose.yml cannot run here (no Docker engine); this keeps it honest against the code. */
const compose = parse(await readFile(new URL("../../docker-compose.yml", import.meta.url), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const applicationServices = Object.keys(serviceConfigSchemas);

describe("docker-compose.yml", () => {
  it("runs every service and Kafka, MongoDB and Chroma from their official images", () => {
    expect(Object.keys(compose.services).sort()).toEqual([...applicationServices, ...Object.keys(infrastructureImages)].sort());
    for (const [name, image] of Object.entries(infrastructureImages)) expect(compose.services[name]!.image).toMatch(image);
  });

  it.each(applicationServices)("%s: sets only variables its config knows, and they validate", (name) => {
    const service = compose.services[name]!;
    const schema = serviceConfigSchemas[name]!;
    const known = Object.keys(schema.shape);
    for (const variable of Object.keys(service.environment ?? {})) expect(known, `${name} has no setting ${variable}`).toContain(variable);
    expect(() => schema.parse(service.environment)).not.toThrow();
    expect(service.command).toEqual(["npm", "run", "start", "-w", `@qamesh/${name}`]);
  });

  it("uses the distributed adapters wherever a service has records, events or vectors", () => {
    for (const name of applicationServices) {
      const environment = compose.services[name]!.environment ?? {};
      const known = Object.keys(serviceConfigSchemas[name]!.shape);
      for (const variable of ["KAFKA_BROKERS", "MONGODB_URI", "CHROMA_URL"]) {
        if (known.includes(variable)) expect(environment, `${name} should set ${variable}`).toHaveProperty(variable);
      }
    }
  });

  it("gives every service the same mesh keys, on the volume they share", () => {
    for (const name of applicationServices) {
      const service = compose.services[name] as ComposeService & { volumes?: string[] };
      expect(service.environment?.MESH_KEYS_FILE, name).toBe("/var/lib/qamesh/keys/mesh-keys.json");
      expect(service.volumes, name).toContain("keys:/var/lib/qamesh/keys");
    }
  });

  it("points every peer address and server URL at a service of the file", () => {
    const names = new Set(Object.keys(compose.services));
    for (const service of Object.values(compose.services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (variable.endsWith("_ADDRESS") || variable === "KAFKA_BROKERS") expect(names).toContain(value.split(":")[0]);
        if (variable === "MONGODB_URI" || variable === "CHROMA_URL") expect(names).toContain(new URL(value).hostname);
      }
    }
  });
});
