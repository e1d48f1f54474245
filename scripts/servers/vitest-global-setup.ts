import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

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
  try {
    execFileSync(script, ["up"], { stdio: ["ignore", "ignore", "inherit"] });
  } catch {
    throw new Error("the real servers could not be started (see the servers: lines above); QAMESH_EMBEDDED_ONLY=true skips their suites");
  }
  const variables = execFileSync(script, ["env"], { encoding: "utf8" });
  for (const line of variables.trim().split("\n")) {
    const [name, ...value] = line.split("=");
    if (name && process.env[name] === undefined) process.env[name] = value.join("=");
  }
  return () => {
    if (!wereRunning) execFileSync(script, ["down"], { stdio: ["ignore", "ignore", "inherit"] });
  };
}
