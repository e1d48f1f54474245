import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface RealServerAddresses {
  KAFKA_BROKERS: string;
  MONGODB_URI: string;
  CHROMA_URL: string;
  /** The test directory (OpenLDAP); the mesh itself needs no LDAP. */
  LDAP_URL?: string;
}

const script = fileURLToPath(new URL("../../../scripts/servers/servers.sh", import.meta.url));

/** Installs (first time) and starts Kafka, FerretDB, Chroma and OpenLDAP on loopback; returns their addresses. */
export function startRealServers(): RealServerAddresses {
  try {
    execFileSync(script, ["up"], { stdio: ["ignore", "ignore", "inherit"] });
  } catch {
    throw new Error("the servers did not start (the servers: line above says why)");
  }
  const lines = execFileSync(script, ["env"], { encoding: "utf8" }).trim().split("\n");
  const variables = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
  return variables as unknown as RealServerAddresses;
}
