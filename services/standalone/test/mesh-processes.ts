import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts } from "@qamesh/config";
import { eventually, testRootPassword } from "@qamesh/testkit";
import { expect } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const meshServices = ["gateway", "ingestion", "connector-worker", "chat", "tool-runtime", "llm-profiles"] as const;
export type MeshServiceName = (typeof meshServices)[number];

/** The last part of what each process wrote to stderr: enough to say why it stopped. */
const stderrTails = new WeakMap<ChildProcess, { text: string }>();
const stderrTailLength = 16_000;

/**
 * Starts one service's own main as a process with exactly this environment (no inherited
 * settings). Its output is read as it comes, so a service that writes a lot never blocks on a
 * full pipe.
 */
export function spawnService(name: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(repositoryRoot, "services", name, "src", "main.ts")], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", EMBEDDING_PROVIDER: "hashing", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail = { text: "" };
  stderrTails.set(child, tail);
  child.stdout?.resume();
  child.stderr?.on("data", (chunk: Buffer) => (tail.text = (tail.text + chunk.toString()).slice(-stderrTailLength)));
  return child;
}

/** How a process ended, with the end of what it wrote to stderr. */
export async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  // "close" comes after the process exited and its output was read to the end.
  if (child.exitCode === null || child.stderr?.readableEnded === false) await once(child, "close");
  return { code: child.exitCode, stderr: stderrTails.get(child)?.text ?? "" };
}

/**
 * The mesh as one process per service on a shared data directory (embedded adapters), as
 * `npm run start:distributed` would run it without real servers: each service can be killed
 * and started again on its own. `extra` adds settings per service.
 */
export class MeshProcesses {
  readonly children = new Map<MeshServiceName, ChildProcess>();

  private constructor(
    private readonly environments: Record<MeshServiceName, Record<string, string>>,
    readonly url: string,
  ) {}

  static async start(root: string, extra: Partial<Record<MeshServiceName, Record<string, string>>> = {}): Promise<MeshProcesses> {
    const data = join(root, "data");
    const [gateway, ingestion, chat, tools, llm, worker] = (await freePorts(6)) as [number, number, number, number, number, number];
    const addresses = {
      INGESTION_ADDRESS: `127.0.0.1:${ingestion}`,
      CHAT_ADDRESS: `127.0.0.1:${chat}`,
      TOOL_RUNTIME_ADDRESS: `127.0.0.1:${tools}`,
      LLM_PROFILES_ADDRESS: `127.0.0.1:${llm}`,
    };
    // Every process reads the same mesh keys (and ingestion and the worker the same secrets key).
    const keys = { MESH_KEYS_FILE: join(data, "mesh-keys.json"), ENCRYPTION_KEY_FILE: join(data, "encryption.key") };
    const shared = { BUS_FILE: join(data, "bus.sqlite"), VECTOR_DIR: join(data, "vectors"), LEXICAL_FILE: join(data, "lexical.sqlite"), ...keys };
    const environments: Record<MeshServiceName, Record<string, string>> = {
      "llm-profiles": { LLM_PROFILES_GRPC_PORT: String(llm), ...keys, ...extra["llm-profiles"] },
      "tool-runtime": { TOOL_RUNTIME_GRPC_PORT: String(tools), TOOL_RUNTIME_DB_FILE: join(data, "tool-runtime.sqlite"), ...addresses, ...shared, ...extra["tool-runtime"] },
      chat: { CHAT_GRPC_PORT: String(chat), CHAT_DB_FILE: join(data, "chat.sqlite"), BUS_FILE: join(data, "bus.sqlite"), ...addresses, ...keys, ...extra.chat },
      ingestion: { INGESTION_GRPC_PORT: String(ingestion), INGESTION_DB_FILE: join(data, "ingestion.sqlite"), LOCAL_SOURCE_ROOTS: root, ...shared, ...extra.ingestion },
      "connector-worker": {
        CONNECTOR_WORKER_GRPC_PORT: String(worker),
        WORKER_DB_FILE: join(data, "worker.sqlite"),
        REPOSITORY_CACHE_DIR: join(data, "repositories"),
        LOCAL_SOURCE_ROOTS: root,
        ...addresses,
        ...shared,
        ...extra["connector-worker"],
      },
      gateway: { GATEWAY_PORT: String(gateway), GATEWAY_DB_FILE: join(data, "gateway.sqlite"), QAMESH_ROOT_PASSWORD: testRootPassword, ...keys, ...addresses, ...extra.gateway },
    };
    const mesh = new MeshProcesses(environments, `http://127.0.0.1:${gateway}`);
    for (const name of meshServices) mesh.startService(name);
    await mesh.ready();
    return mesh;
  }

  startService(name: MeshServiceName): ChildProcess {
    const child = spawnService(name, this.environments[name]);
    this.children.set(name, child);
    return child;
  }

  /** Until the gateway reports every service reachable. */
  async ready(): Promise<void> {
    await eventually(async () => expect((await fetch(`${this.url}/ready`)).status).toBe(200), 60_000, 250);
  }

  /** Kills one service at once (SIGKILL: no goodbye, as a crash or an OOM kill). */
  async kill(name: MeshServiceName): Promise<void> {
    const child = this.children.get(name)!;
    const exited = exitOf(child);
    child.kill("SIGKILL");
    await exited;
  }

  /** Stops every service with SIGTERM; returns their exit codes. */
  async stop(): Promise<(number | null)[]> {
    const children = [...this.children.values()];
    const exits = children.map((child) => exitOf(child));
    for (const child of children) child.kill("SIGTERM");
    return (await Promise.all(exits)).map((exit) => exit.code);
  }

  /** Kills whatever still runs (after a failed test). */
  killAll(): void {
    for (const child of this.children.values()) if (child.exitCode === null) child.kill("SIGKILL");
  }
}
