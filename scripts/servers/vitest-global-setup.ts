import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startRealServers } from "@qamesh/distributed";

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
 * addresses; stops them afterwards unless they were already running. A server that cannot be
 * started fails the run here, with the script's reason.
 */
export default function setup(): () => void {
  if (embeddedOnly) return () => undefined;
  const wereRunning = serversRunning();
  let addresses;
  try {
    addresses = startRealServers();
  } catch (error) {
    throw new Error(`${(error as Error).message}; QAMESH_EMBEDDED_ONLY=true skips the real-server suites`, { cause: error });
  }
  for (const [name, value] of Object.entries(addresses)) process.env[name] ??= value;
  return () => {
    if (!wereRunning) execFileSync(script, ["down"], { stdio: ["ignore", "ignore", "inherit"] });
  };
}
