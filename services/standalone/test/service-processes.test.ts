import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePorts } from "@qamesh/config";
import { eventually, gatewayClient, temporaryDirectory, testRootPassword } from "@qamesh/testkit";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));
const services = ["gateway", "ingestion", "connector-worker", "chat", "tool-runtime", "llm-profiles"] as const;

function startService(name: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(repositoryRoot, "services", name, "src", "main.ts")], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

describe("each service's own main", () => {
  const badSettings: Record<(typeof services)[number], [string, string]> = {
    gateway: ["GATEWAY_PORT", "eighty"],
    ingestion: ["INGESTION_GRPC_PORT", "70000"],
    "connector-worker": ["MAX_FILE_BYTES", "-1"],
    chat: ["TOOL_RUNTIME_ADDRESS", "not an address"],
    "tool-runtime": ["LLM_PROFILES_ADDRESS", "nowhere"],
    "llm-profiles": ["LLM_PROVIDER", "magic"],
  };

  it.each(services)("%s refuses a bad setting with one line naming the variable", async (name) => {
    const [variable, value] = badSettings[name];
    const { code, stderr } = await exitOf(startService(name, { [variable]: value }));
    expect(code).toBe(2);
    const lines = stderr.trim().split("\n").filter((line) => !line.startsWith("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`qamesh ${name}: invalid configuration: ${variable}`);
  });
});

describe("the mesh as separate processes (embedded adapters on a shared data directory)", () => {
  const children: ChildProcess[] = [];
  const directory = temporaryDirectory("processes");
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await (await directory).remove();
  });

  it("starts every service alone, answers through the gateway, and stops cleanly on SIGTERM", async () => {
    const root = (await directory).path;
    const data = join(root, "data");
    const [gateway, ingestion, chat, tools, llm, worker] = (await freePorts(6)) as [number, number, number, number, number, number];
    const ports = { gateway, ingestion, chat, tools, llm, worker };
    const addresses = {
      INGESTION_ADDRESS: `127.0.0.1:${ports.ingestion}`,
      CHAT_ADDRESS: `127.0.0.1:${ports.chat}`,
      TOOL_RUNTIME_ADDRESS: `127.0.0.1:${ports.tools}`,
      LLM_PROFILES_ADDRESS: `127.0.0.1:${ports.llm}`,
    };
    // Every process reads the same mesh keys (and ingestion and the worker the same secrets key).
    const keys = { MESH_KEYS_FILE: join(data, "mesh-keys.json"), ENCRYPTION_KEY_FILE: join(data, "encryption.key") };
    const shared = { BUS_FILE: join(data, "bus.sqlite"), VECTOR_DIR: join(data, "vectors"), ...keys };
    const environments: Record<(typeof services)[number], Record<string, string>> = {
      "llm-profiles": { LLM_PROFILES_GRPC_PORT: String(ports.llm), ...keys },
      "tool-runtime": { TOOL_RUNTIME_GRPC_PORT: String(ports.tools), ...addresses, ...shared },
      chat: { CHAT_GRPC_PORT: String(ports.chat), CHAT_DB_FILE: join(data, "chat.sqlite"), ...addresses, ...keys },
      ingestion: { INGESTION_GRPC_PORT: String(ports.ingestion), INGESTION_DB_FILE: join(data, "ingestion.sqlite"), LOCAL_SOURCE_ROOTS: root, ...shared },
      "connector-worker": {
        CONNECTOR_WORKER_GRPC_PORT: String(ports.worker),
        WORKER_DB_FILE: join(data, "worker.sqlite"),
        REPOSITORY_CACHE_DIR: join(data, "repositories"),
        LOCAL_SOURCE_ROOTS: root,
        ...addresses,
        ...shared,
      },
      gateway: {
        GATEWAY_PORT: String(ports.gateway),
        GATEWAY_DB_FILE: join(data, "gateway.sqlite"),
        QAMESH_ROOT_PASSWORD: testRootPassword,
        ...keys,
        ...addresses,
      },
    };
    for (const name of services) children.push(startService(name, environments[name]));
    const url = `http://127.0.0.1:${ports.gateway}`;
    await eventually(async () => expect((await fetch(`${url}/ready`)).status).toBe(200), 60_000, 250);

    const docs = join(root, "docs");
    await mkdir(docs, { recursive: true });
    await writeFile(join(docs, "oncall.md"), "# On-call\n\nThe on-call rotation hands over every Tuesday at 09:00.\n");
    const client = gatewayClient(() => url);
    const post = async (path: string, body: unknown) => (await client.api("POST", path, body)).body;
    const project = await post("/v1/projects", { name: "processes" });
    await post(`/v1/projects/${project.id}/sources`, { type: "local", path: docs });
    const run = await post(`/v1/projects/${project.id}/ingestions`, {});
    expect((await client.waitForRun(project.id, run.id)).status).toBe("succeeded");
    const answer = await post(`/v1/projects/${project.id}/ask`, { question: "When does the on-call rotation hand over?" });
    expect(answer.citations[0].path).toBe("oncall.md");
    expect(answer.answer).toContain("every Tuesday at 09:00");

    const exits = children.map((child) => exitOf(child));
    for (const child of children) child.kill("SIGTERM");
    for (const { code } of await Promise.all(exits)) expect(code).toBe(0);
  }, 120_000);
});
