/**
 * Suites against real Kafka, MongoDB and Chroma run by default; the test setup starts the
 * servers with scripts/servers/servers.sh. Only an explicit QAMESH_EMBEDDED_ONLY=true skips them.
 */
export const embeddedOnly = ["1", "true", "yes"].includes((process.env.QAMESH_EMBEDDED_ONLY ?? "").toLowerCase());

export type RealServerVariable = "KAFKA_BROKERS" | "MONGODB_URI" | "CHROMA_URL" | "LDAP_URL";

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
