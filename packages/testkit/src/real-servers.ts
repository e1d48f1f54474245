import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Suites against real Kafka, MongoDB and Chroma run by default; the test setup starts the
 * servers with scripts/servers/servers.sh. Only an explicit QAMESH_EMBEDDED_ONLY=true skips them.
 */
export const embeddedOnly = ["1", "true", "yes"].includes((process.env.QAMESH_EMBEDDED_ONLY ?? "").toLowerCase());

export type RealServerVariable = "KAFKA_BROKERS" | "MONGODB_URI" | "CHROMA_URL";

/** The address the test setup exported, or a failure that says how to get one. */
export function realServer(variable: RealServerVariable): string {
  const value = process.env[variable];
  if (!value) {
    throw new Error(
      `${variable} is not set: the test setup starts the real servers with scripts/servers/servers.sh up ` +
        `(set QAMESH_EMBEDDED_ONLY=true to skip the real-server suites on purpose)`,
    );
  }
  return value;
}

export const serversScript = fileURLToPath(new URL("../../../scripts/servers/servers.sh", import.meta.url));

/** Starts or stops one of the real servers, as the broker-restart test does with Kafka. */
export function controlRealServer(command: "up" | "down", server: "kafka" | "mongodb" | "chroma"): void {
  execFileSync(serversScript, [command, server], { stdio: ["ignore", "ignore", "inherit"] });
}
