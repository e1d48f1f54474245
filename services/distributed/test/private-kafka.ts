import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { temporaryDirectory } from "@qamesh/testkit";
import { freePort } from "../src/index.js";

const script = fileURLToPath(new URL("../../../scripts/servers/servers.sh", import.meta.url));

export interface PrivateKafka {
  brokers: string;
  stop(): void;
  start(): void;
  remove(): Promise<void>;
}

/**
 * A Kafka broker of the test's own (same install, own ports and data), so stopping it cannot
 * disturb the suites running beside it on the shared broker.
 */
export async function startPrivateKafka(): Promise<PrivateKafka> {
  const state = await temporaryDirectory("kafka");
  const port = await freePort();
  const controllerPort = await freePort();
  const env = { ...process.env, QAMESH_SERVERS_STATE: state.path, QAMESH_KAFKA_PORT: String(port), QAMESH_KAFKA_CONTROLLER_PORT: String(controllerPort) };
  const run = (command: "up" | "down") => execFileSync(script, [command, "kafka"], { env, stdio: ["ignore", "ignore", "inherit"] });
  run("up");
  return {
    brokers: `127.0.0.1:${port}`,
    stop: () => run("down"),
    start: () => run("up"),
    async remove() {
      run("down");
      await state.remove();
    },
  };
}
