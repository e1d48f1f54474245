import { unthrottledRateLimits } from "@qamesh/gateway";
import { randomUUID } from "node:crypto";
import { gatewayClient, realServer, temporaryDirectory, testRootPassword, type MeshHarness } from "@qamesh/testkit";
import { DistributedMesh, type RealServerAddresses } from "../src/index.js";

export interface DistributedHarness extends MeshHarness {
  mesh: DistributedMesh;
  /** Prefix of this mesh's topics, groups, databases and collections. */
  namespace: string;
  servers: RealServerAddresses;
}

export interface DistributedHarnessOptions {
  connectorWorkers?: number;
  chatReplicas?: number;
  env?: Record<string, string>;
  /** Defaults to the servers the test setup started. */
  servers?: Partial<RealServerAddresses>;
}

/**
 * The mesh as separate processes against the real servers, in a namespace of its own so test
 * files running side by side never see each other's events or records.
 */
export async function startDistributedHarness(options: DistributedHarnessOptions = {}): Promise<DistributedHarness> {
  const directory = await temporaryDirectory("distributed");
  const namespace = `t${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const servers = {
    KAFKA_BROKERS: options.servers?.KAFKA_BROKERS ?? realServer("KAFKA_BROKERS"),
    MONGODB_URI: options.servers?.MONGODB_URI ?? realServer("MONGODB_URI"),
    CHROMA_URL: options.servers?.CHROMA_URL ?? realServer("CHROMA_URL"),
  };
  const mesh = await DistributedMesh.start({
    servers,
    namespace,
    dataDirectory: directory.path,
    localSourceRoots: directory.path,
    connectorWorkers: options.connectorWorkers ?? 1,
    chatReplicas: options.chatReplicas ?? 1,
    rootPassword: testRootPassword,
    env: {
      LOG_LEVEL: "info",
      MAX_FILE_BYTES: "20000",
      EMBEDDING_PROVIDER: "hashing",
      // A killed worker's partitions move to the survivors within seconds, not the default 30 s.
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      KAFKA_REBALANCE_TIMEOUT_MS: "10000",
      EVENT_RETRY_BACKOFF_MS: "200",
      ...unthrottledRateLimits,
      ...options.env,
    },
  });
  return {
    ...gatewayClient(() => mesh.gatewayUrl),
    root: directory.path,
    gatewayUrl: mesh.gatewayUrl,
    anotherGateway: () => mesh.startGatewayReplica(),
    mesh,
    namespace,
    servers,
    async stop() {
      await mesh.stop();
      // QAMESH_KEEP_TEST_LOGS=true keeps the directory, with every process's log under logs/.
      if (process.env.QAMESH_KEEP_TEST_LOGS !== "true") await directory.remove();
    },
  };
}
