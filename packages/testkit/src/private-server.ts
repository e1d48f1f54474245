import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePorts } from "@qamesh/config";
import { temporaryDirectory } from "./temporary-directory.js";

const script = fileURLToPath(new URL("../../../scripts/servers/servers.sh", import.meta.url));

export type ServerName = "kafka" | "mongodb" | "chroma";

export interface PrivateServer {
  /** What the services' variable takes: brokers for Kafka, a URI for MongoDB, a URL for Chroma. */
  address: string;
  stop(): void;
  start(): void;
  remove(): Promise<void>;
}

/**
 * A server of the test's own (same install as the shared one, its own ports and data), so a
 * test can stop it without disturbing the suites running beside it.
 */
export async function startPrivateServer(server: ServerName): Promise<PrivateServer> {
  const state = await temporaryDirectory(`private-${server}`);
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  const ports: Record<ServerName, Record<string, string>> = {
    kafka: { QAMESH_KAFKA_PORT: String(port), QAMESH_KAFKA_CONTROLLER_PORT: String(controllerPort) },
    mongodb: { QAMESH_MONGODB_PORT: String(port) },
    chroma: { QAMESH_CHROMA_PORT: String(port) },
  };
  const addresses: Record<ServerName, string> = {
    kafka: `127.0.0.1:${port}`,
    mongodb: `mongodb://127.0.0.1:${port}/`,
    chroma: `http://127.0.0.1:${port}`,
  };
  const env = { ...process.env, QAMESH_SERVERS_STATE: state.path, ...ports[server] };
  const run = (command: "up" | "down") => execFileSync(script, [command, server], { env, stdio: ["ignore", "ignore", "inherit"] });
  run("up");
  return {
    address: addresses[server],
    stop: () => run("down"),
    start: () => run("up"),
    async remove() {
      run("down");
      await state.remove();
    },
  };
}
