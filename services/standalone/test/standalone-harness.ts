import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallPrincipal } from "@qamesh/authorization";
import { ContextValues, credentialKey, runWithContextValues } from "@qamesh/grpc";
import { parseConfig } from "@qamesh/config";
import { gatewayRecipe } from "@qamesh/gateway";
import { createLogger } from "@qamesh/logger";
import { AssertionSigner, meshSigners } from "@qamesh/mesh-auth";
import { AdapterPool } from "@qamesh/runtime-adapters";
import { startService } from "@qamesh/service-runtime";
import { signingKeysFromFile } from "@qamesh/signed-tokens";
import { eventually, gatewayClient, temporaryDirectory, type GatewayClient, type MeshHarness } from "@qamesh/testkit";
import { expect } from "vitest";
import { ephemeralStandaloneEnvironment, startStandalone, type RunningStandalone } from "../src/index.js";

export interface Harness extends MeshHarness {
  running: RunningStandalone;
  /**
   * Stops the mesh and starts a new one on the same data directory, as a process restart would;
   * `changed` settings apply from then on (a narrowed LOCAL_SOURCE_ROOTS, say).
   */
  restart(changed?: Record<string, string>): Promise<void>;
}

/**
 * The real standalone mesh on free ports, with a temporary data directory and no demo. Its log
 * is silent unless `logLines` is given: then every line, from debug up, is collected there.
 */
export async function startHarness(settings: Record<string, string> = {}, options: { logLines?: string[] } = {}): Promise<Harness> {
  const directory = await temporaryDirectory("e2e");
  let current = settings;
  const { logLines } = options;
  const logger = logLines
    ? createLogger({ service: "test", level: "debug", destination: { write: (line: string) => void logLines.push(line) } })
    : createLogger({ service: "test", level: "silent" });
  const start = () => startStandalone(ephemeralStandaloneEnvironment(directory.path, current), logger);
  let running = await start();
  const otherGateways: { stop(): Promise<void> }[] = [];
  const stopOtherGateways = async () => {
    for (const gateway of otherGateways.splice(0)) await gateway.stop();
  };
  const harness: Harness = {
    ...gatewayClient(() => running.gatewayUrl),
    root: directory.path,
    get running() {
      return running;
    },
    get gatewayUrl() {
      return running.gatewayUrl;
    },
    async anotherGateway() {
      const gateway = await startSecondGateway(harness);
      otherGateways.push(gateway);
      return gateway.url;
    },
    async restart(changed = {}) {
      current = { ...current, ...changed };
      await stopOtherGateways();
      await running.stop();
      running = await start();
    },
    async stop() {
      await stopOtherGateways();
      await running.stop();
      await directory.remove();
    },
  };
  return harness;
}

/** A new user, made a member of the project by `admin`, and a client signed in as them. */
export async function projectMember(admin: Harness, projectId: string, username: string, password: string): Promise<GatewayClient> {
  if ((await admin.api("POST", "/v1/users", { username, password })).status !== 201) throw new Error(`could not create the user ${username}`);
  const userId = (await admin.api("GET", "/v1/users")).body.users.find((user: { username: string }) => user.username === username).id;
  if ((await admin.api("PUT", `/v1/projects/${projectId}/members/${userId}`, { role: "member" })).status !== 200) throw new Error(`could not add ${username} to the project`);
  return gatewayClient(() => admin.gatewayUrl, { username, password });
}

/**
 * The entries of the project's audit log about tool calls (`tool.called`, `approval.decided`)
 * whose `toolCall` `match` picks, newest first, once at least one is there (the chat service
 * reports them over the bus, so they arrive a moment after the call).
 */
export async function auditedToolCalls(admin: GatewayClient, projectId: string, match: (call: Record<string, any>, entry: Record<string, any>) => boolean): Promise<Record<string, any>[]> {
  return eventually(async () => {
    const listed = await admin.api("GET", `/v1/audit?projectId=${projectId}&limit=200`);
    expect(listed.status).toBe(200);
    const found = (listed.body.entries as Record<string, any>[]).filter((entry) => entry.toolCall && match(entry.toolCall, entry));
    expect(found.length).toBeGreaterThan(0);
    return found;
  });
}

/** SHA-256 of a text, hex: what the audit log keeps of a call's canonical arguments. */
export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * A project named `name`, made by `client` (its admin), whose one source is a folder `root/docs`
 * holding `files` (path: content), indexed before this returns.
 */
export async function projectWithFiles(client: GatewayClient, root: string, name: string, files: Record<string, string>): Promise<{ projectId: string; sourceId: string; runId: string; docs: string }> {
  const docs = join(root, "docs");
  await mkdir(docs, { recursive: true });
  for (const [path, content] of Object.entries(files)) await writeFile(join(docs, path), content);
  const projectId = (await client.api("POST", "/v1/projects", { name })).body.id;
  const sourceId = (await client.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: docs })).body.id;
  const runId = (await client.api("POST", `/v1/projects/${projectId}/ingestions`, {})).body.id;
  const run = await client.waitForRun(projectId, runId);
  if (run.status !== "succeeded") throw new Error(`indexing ${docs} ended ${run.status}`);
  return { projectId, sourceId, runId, docs };
}

/** A few small files about other things, so a search has to pick. */
export const distractorFiles = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`other-${i}.md`, `# Other ${i}\n\nInvoices are printed on page ${i}.\n`]));

/**
 * Projects A (empty) and B, made by `client` (their admin), B with an indexed folder under
 * `root` holding one secret: what isolation tests try to reach from outside B.
 */
export async function projectsAAndB(client: GatewayClient, root: string): Promise<{ projectA: string; projectB: string; sourceB: string; runB: string; docs: string }> {
  const projectA = (await client.api("POST", "/v1/projects", { name: "A" })).body.id;
  const b = await projectWithFiles(client, root, "B", { "secret.md": "# B\n\nProject B's launch codes are in the blue binder.\n" });
  return { projectA, projectB: b.projectId, sourceB: b.sourceId, runB: b.runId, docs: b.docs };
}

/**
 * Runs `work` as `principal` would be called by the gateway (or, for a service principal, by a
 * worker): its gRPC calls carry an assertion signed with the harness's own mesh keys.
 */
export async function asMeshPrincipal<T>(harness: Harness, principal: CallPrincipal, work: () => Promise<T>): Promise<T> {
  const keys = await signingKeysFromFile(join(harness.root, "data", "mesh-keys.json"), meshSigners);
  const signer = await AssertionSigner.create(principal.kind === "user" ? "gateway" : "service", principal.kind === "user" ? keys.gateway : keys.service);
  const token = await signer.sign(principal);
  return runWithContextValues(new ContextValues().set(credentialKey, () => Promise.resolve(token)), work);
}

/**
 * A second gateway in front of the harness's services, on the same identity store and mesh
 * keys: another replica, as a load balancer would pick. Stop it before the harness.
 */
async function startSecondGateway(harness: Harness): Promise<{ url: string; stop(): Promise<void> }> {
  const data = join(harness.root, "data");
  const ports = harness.running.grpcPorts;
  const config = parseConfig(gatewayRecipe.configSchema, {
    ...ephemeralStandaloneEnvironment(harness.root),
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: "0",
    GATEWAY_DB_FILE: join(data, "gateway.sqlite"),
    MESH_KEYS_FILE: join(data, "mesh-keys.json"),
    INGESTION_ADDRESS: `127.0.0.1:${ports.ingestion}`,
    CHAT_ADDRESS: `127.0.0.1:${ports.chat}`,
    TOOL_RUNTIME_ADDRESS: `127.0.0.1:${ports["tool-runtime"]}`,
    LLM_PROFILES_ADDRESS: `127.0.0.1:${ports["llm-profiles"]}`,
  });
  const gateway = await startService(gatewayRecipe, config, createLogger({ service: "second-gateway", level: "silent" }), new AdapterPool());
  return { url: gateway.service.url, stop: () => gateway.stop() };
}
