import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { freePort, freePorts } from "@qamesh/config";
import type { RealServerAddresses } from "./real-servers-script.js";

export interface DistributedMeshOptions {
  servers: RealServerAddresses;
  /**
   * Names this mesh's Kafka topics and groups, MongoDB databases and Chroma collections, so
   * meshes sharing the servers never see each other's data. Letters, digits and _.
   */
  namespace: string;
  /** Worker repository caches and the service logs live here. */
  dataDirectory: string;
  connectorWorkers?: number;
  /** Chat service replicas (default 1), each on its own port; the gateway calls them in turn. */
  chatReplicas?: number;
  /** Colon-separated roots local sources may live in (LOCAL_SOURCE_ROOTS of ingestion and workers). */
  localSourceRoots?: string;
  /** Fixed ports; free ones are picked when absent. */
  ports?: Partial<Record<"gateway" | "ingestion" | "chat" | "toolRuntime" | "llmProfiles", number>>;
  /** Extra environment for every process (e.g. KAFKA_SESSION_TIMEOUT_MS, LOG_LEVEL). */
  env?: Record<string, string>;
  /** root's password on a fresh store; without it one is generated into the data directory's root-password file. */
  rootPassword?: string;
}

type ServiceName = "llm-profiles" | "tool-runtime" | "chat" | "ingestion" | "connector-worker" | "gateway";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * The mesh as separate operating-system processes, one per service and per connector worker,
 * each configured only through its environment, as a container would be.
 */
export class DistributedMesh {
  readonly connectorWorkers: ChildProcess[] = [];
  private readonly processes: ChildProcess[] = [];
  private workerCount = 0;
  private readonly givenPorts: Set<number>;
  /** Ports of the chat replicas after the first. */
  private readonly chatReplicaPorts: number[] = [];

  private constructor(
    private readonly options: DistributedMeshOptions,
    private readonly ports: Record<"gateway" | "ingestion" | "chat" | "toolRuntime" | "llmProfiles", number>,
  ) {
    this.givenPorts = new Set(Object.values(ports));
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  static async start(options: DistributedMeshOptions): Promise<DistributedMesh> {
    const free = await freePorts(5);
    const ports = {
      gateway: options.ports?.gateway ?? free[0]!,
      ingestion: options.ports?.ingestion ?? free[1]!,
      chat: options.ports?.chat ?? free[2]!,
      toolRuntime: options.ports?.toolRuntime ?? free[3]!,
      llmProfiles: options.ports?.llmProfiles ?? free[4]!,
    };
    mkdirSync(join(options.dataDirectory, "logs"), { recursive: true });
    const mesh = new DistributedMesh(options, ports);
    try {
      for (let replica = 1; replica < (options.chatReplicas ?? 1); replica++) mesh.chatReplicaPorts.push(await mesh.unusedPort());
      for (const name of ["llm-profiles", "tool-runtime", "chat", "ingestion"] as const) mesh.spawn(name, mesh.environment(name));
      const chatReplicas = mesh.chatReplicaPorts.map((port) => ({ port, child: mesh.spawn("chat", { ...mesh.environment("chat"), CHAT_GRPC_PORT: String(port) }, `chat-${port}`) }));
      const gateway = mesh.spawn("gateway", mesh.environment("gateway"));
      await Promise.all(Array.from({ length: options.connectorWorkers ?? 1 }, () => mesh.startConnectorWorker()));
      await mesh.waitForGateway(gateway);
      // The gateway is ready once it reaches one chat replica; the others must be up too.
      await Promise.all(chatReplicas.map(({ port, child }) => waitFor(`chat-${port}`, child, mesh.logFile(`chat-${port}`), () => portOpen(port), 120_000)));
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  /**
   * Starts one more gateway replica on its own port, sharing everything with the first (store,
   * keys, rate-limit counters); resolves to its URL once it is ready.
   */
  async startGatewayReplica(): Promise<string> {
    const port = await this.unusedPort();
    const url = `http://127.0.0.1:${port}`;
    const child = this.spawn("gateway", { ...this.environment("gateway"), GATEWAY_PORT: String(port) }, `gateway-${port}`);
    await waitFor(`gateway-${port}`, child, this.logFile(`gateway-${port}`), async () => (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200, 120_000);
    return url;
  }

  /** Starts one more connector worker in the shared consumer group; resolves once it consumes. */
  async startConnectorWorker(): Promise<ChildProcess> {
    const index = this.workerCount++;
    const healthPort = await this.unusedPort();
    const child = this.spawn("connector-worker", {
      ...this.environment("connector-worker"),
      CONNECTOR_WORKER_GRPC_PORT: String(healthPort),
      REPOSITORY_CACHE_DIR: join(this.options.dataDirectory, `worker-${index}`, "repositories"),
    }, `connector-worker-${index}`);
    this.connectorWorkers.push(child);
    // The worker serves its health port only after it has joined the consumer group.
    await waitFor(`connector-worker-${index}`, child, this.logFile(`connector-worker-${index}`), () => portOpen(healthPort), 120_000);
    return child;
  }

  /** SIGTERM to every process, then SIGKILL for any still running after 20 s. */
  async stop(): Promise<void> {
    const running = this.processes.filter((child) => child.exitCode === null && child.signalCode === null);
    const exits = running.map((child) => once(child, "exit"));
    for (const child of running) child.kill("SIGTERM");
    const timeout = sleep(20_000).then(() => running.forEach((child) => child.kill("SIGKILL")));
    await Promise.race([Promise.all(exits), timeout]);
    await Promise.all(exits);
  }

  private environment(name: ServiceName): Record<string, string> {
    const { servers, namespace } = this.options;
    const addresses = {
      INGESTION_ADDRESS: `127.0.0.1:${this.ports.ingestion}`,
      CHAT_ADDRESS: [this.ports.chat, ...this.chatReplicaPorts].map((port) => `127.0.0.1:${port}`).join(","),
      TOOL_RUNTIME_ADDRESS: `127.0.0.1:${this.ports.toolRuntime}`,
      LLM_PROFILES_ADDRESS: `127.0.0.1:${this.ports.llmProfiles}`,
    };
    const kafka = { KAFKA_BROKERS: servers.KAFKA_BROKERS, KAFKA_NAMESPACE: `${namespace}.` };
    // Chunks: vectors in Chroma, their terms in a MongoDB database the workers and tool-runtime share.
    const chunks = { CHROMA_URL: servers.CHROMA_URL, CHROMA_COLLECTION_PREFIX: namespace.replaceAll("_", "-"), LEXICAL_MONGODB_DATABASE: `${namespace}_chunks` };
    const localSourceRoots = { LOCAL_SOURCE_ROOTS: this.options.localSourceRoots ?? this.options.dataDirectory };
    // Ingestion seals source credentials, workers open them, tool-runtime and llm-profiles seal their secrets: one key file.
    const encryptionKey = { ENCRYPTION_KEY_FILE: join(this.options.dataDirectory, "encryption.key") };
    // The gateway and the workers sign, every service verifies: one machine, one key file for all.
    const meshKeys = { MESH_KEYS_FILE: join(this.options.dataDirectory, "mesh-keys.json") };
    const mongodb = (service: string) => ({ MONGODB_URI: servers.MONGODB_URI, MONGODB_DATABASE: `${namespace}_${service}` });
    const own: Record<ServiceName, Record<string, string>> = {
      "llm-profiles": { LLM_PROFILES_GRPC_PORT: String(this.ports.llmProfiles), ...kafka, ...encryptionKey, ...mongodb("llm_profiles") },
      "tool-runtime": { TOOL_RUNTIME_GRPC_PORT: String(this.ports.toolRuntime), ...addresses, ...kafka, ...chunks, ...encryptionKey, ...mongodb("tool_runtime") },
      chat: { CHAT_GRPC_PORT: String(this.ports.chat), ...addresses, ...kafka, ...mongodb("chat") },
      ingestion: {
        INGESTION_GRPC_PORT: String(this.ports.ingestion),
        ...localSourceRoots,
        ...encryptionKey,
        ...kafka,
        ...mongodb("ingestion"),
      },
      "connector-worker": { ...addresses, ...localSourceRoots, ...encryptionKey, ...kafka, ...chunks, ...mongodb("connector_worker") },
      gateway: {
        GATEWAY_PORT: String(this.ports.gateway),
        ...addresses,
        ...kafka,
        ...mongodb("gateway"),
        ...(this.options.rootPassword ? { QAMESH_ROOT_PASSWORD: this.options.rootPassword } : { ROOT_PASSWORD_FILE: join(this.options.dataDirectory, "root-password") }),
      },
    };
    return { LOG_LEVEL: "info", ...this.options.env, ...meshKeys, ...own[name] };
  }

  /** A free port no process of this mesh was given yet (workers may start side by side). */
  private async unusedPort(): Promise<number> {
    for (;;) {
      const port = await freePort();
      if (!this.givenPorts.has(port)) {
        this.givenPorts.add(port);
        return port;
      }
    }
  }

  private logFile(logName: string): string {
    return join(this.options.dataDirectory, "logs", `${logName}.log`);
  }

  private spawn(name: ServiceName, env: Record<string, string>, logName: string = name): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", join(repositoryRoot, "services", name, "src", "main.ts")], {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = createWriteStream(this.logFile(logName));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.processes.push(child);
    return child;
  }

  /** Ready means /ready answers 200: the gateway reaches every service and they their servers. */
  private async waitForGateway(gateway: ChildProcess): Promise<void> {
    await waitFor("gateway", gateway, this.logFile("gateway"), async () => {
      const response = await fetch(`${this.gatewayUrl}/ready`).catch(() => undefined);
      return response?.status === 200;
    }, 120_000);
  }
}

async function waitFor(name: string, child: ChildProcess, logFile: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child.exitCode !== null) {
      const lines = readFileSync(logFile, "utf8").trim().split("\n").slice(-3).join(" | ");
      throw new Error(`${name} exited with code ${child.exitCode} during start-up; its log ends: ${lines}`);
    }
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
