import { join } from "node:path";
import { EmbeddedEventBus } from "@qamesh/bus-embedded";
import { createLogger } from "@qamesh/logger";
import { openRateLimiter } from "@qamesh/runtime-adapters";
import { generateSigningKeys } from "@qamesh/signed-tokens";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { temporaryDirectory, testRootPassword } from "@qamesh/testkit";
import { createGateway, GatewayRateLimits } from "../src/index.js";
import { gatewayIdentity } from "../src/identity.js";

/** Nothing listens on port 1: a peer there is down. */
const nowhere = "127.0.0.1:1";

/**
 * A gateway of its own (a temporary identity store, fresh keys, generous rate limits, root with
 * the test password) in front of the given peers; the others are down. Started; `stop` cleans up.
 */
export async function startTestGateway(peers: Partial<Parameters<typeof createGateway>[0]["addresses"]> = {}) {
  const logger = createLogger({ service: "test", level: "silent" });
  const directory = await temporaryDirectory("gateway");
  const store = SqliteDocumentStore.open(join(directory.path, "gateway.sqlite"));
  const bus = new EmbeddedEventBus({ file: join(directory.path, "bus.sqlite"), logger });
  const gateway = createGateway({
    logger,
    http: { host: "127.0.0.1", port: 0 },
    addresses: { ingestion: nowhere, chat: nowhere, toolRuntime: nowhere, llmProfiles: nowhere, ...peers },
    identity: await gatewayIdentity(store, await generateSigningKeys(), logger),
    rateLimits: new GatewayRateLimits(await openRateLimiter({ MONGODB_DATABASE: "unused" }), {
      loginsPerUsername: 100,
      loginsPerAddress: 100,
      loginWindowSeconds: 60,
      requestsPerMinute: 1000,
      answersPerMinute: 100,
      webhooksPerMinute: 100,
    }),
    root: { password: testRootPassword },
    bus,
  });
  await gateway.start();
  return {
    gateway,
    /** The bus the gateway takes reported audit entries from. */
    bus,
    async stop() {
      await gateway.stop();
      await bus.close();
      await store.close();
      await directory.remove();
    },
  };
}
