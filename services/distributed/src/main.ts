import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConfigOrExit } from "@qamesh/config";
import { startOrExit } from "@qamesh/service-runtime";
import { distributedConfigSchema } from "./config.js";
import { DistributedMesh } from "./distributed-mesh.js";
import { startRealServers } from "./real-servers-script.js";

/**
 * `npm run start:distributed`: Kafka, FerretDB and Chroma on loopback (installed on first use),
 * then every service as its own process on the standalone ports. Ctrl-C stops the services;
 * `npm run servers -- down` stops the servers.
 */
const config = parseConfigOrExit("distributed", distributedConfigSchema, process.env);
const workers = config.CONNECTOR_WORKERS;
const dataDirectory = resolve(config.QAMESH_DATA_DIR);
process.stdout.write("starting Kafka, MongoDB (FerretDB) and Chroma on 127.0.0.1...\n");
const servers = await startOrExit("distributed", async () => startRealServers());
process.stdout.write(`starting the services and ${workers} connector workers (logs in ${dataDirectory}/logs)...\n`);
const mesh = await startOrExit("distributed", () =>
  DistributedMesh.start({
    servers,
    namespace: config.QAMESH_NAMESPACE,
    dataDirectory,
    connectorWorkers: workers,
    localSourceRoots: config.LOCAL_SOURCE_ROOTS.join(":"),
    ports: { gateway: config.GATEWAY_PORT, ingestion: 50052, chat: 50053, toolRuntime: 50054, llmProfiles: 50055 },
    ...(config.QAMESH_ROOT_PASSWORD ? { rootPassword: config.QAMESH_ROOT_PASSWORD } : {}),
  }),
);
const rootPasswordNote = config.QAMESH_ROOT_PASSWORD
  ? "Log in as root with QAMESH_ROOT_PASSWORD."
  : existsSync(join(dataDirectory, "root-password"))
    ? `Log in as root with the password in ${join(dataDirectory, "root-password")} (POST /v1/auth/login).`
    : "Log in with the users of the existing store.";
process.stdout.write(
  `\nqamesh (distributed) is running: ${mesh.gatewayUrl}  (API description: ${mesh.gatewayUrl}/openapi.json)\n` +
    `  ${servers.KAFKA_BROKERS} Kafka · ${servers.MONGODB_URI} MongoDB · ${servers.CHROMA_URL} Chroma\n` +
    `${rootPasswordNote}\n` +
    `Ctrl-C stops the services; npm run servers -- down stops the servers.\n`,
);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void mesh.stop().then(() => process.exit(0));
  });
}
