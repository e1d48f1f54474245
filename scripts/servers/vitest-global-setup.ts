import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startRealServers } from "@qamesh/distributed";
import { noteTestLeftovers } from "./test-leftovers.js";

const script = fileURLToPath(new URL("./servers.sh", import.meta.url));
const embeddedOnly = ["1", "true", "yes"].includes((process.env.QAMESH_EMBEDDED_ONLY ?? "").toLowerCase());

function serversRunning(): boolean {
  try {
    execFileSync(script, ["status"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts Kafka, MongoDB (FerretDB) and Chroma on loopback before the suites and exports their
 * addresses; afterwards removes the topics, databases and collections the run created, and stops
 * the servers unless they were already running. A server that cannot be started fails the run
 * here, with the script's reason.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (embeddedOnly) return async () => undefined;
  const wereRunning = serversRunning();
  let addresses;
  try {
    addresses = startRealServers();
  } catch (error) {
    throw new Error(`${(error as Error).message}; QAMESH_EMBEDDED_ONLY=true skips the real-server suites`, { cause: error });
  }
  for (const [name, value] of Object.entries(addresses)) process.env[name] ??= value;
  const leftovers = await noteTestLeftovers(addresses);
  return async () => {
    try {
      await leftovers.remove();
    } catch (error) {
      // The run's results stand; the next runs on these servers start with more left over.
      process.stderr.write(`could not remove what the test run created on the servers: ${(error as Error).message}\n`);
    } finally {
      if (!wereRunning) execFileSync(script, ["down"], { stdio: ["ignore", "ignore", "inherit"] });
    }
  };
}
