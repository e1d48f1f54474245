import { describe } from "vitest";
import { createLogger } from "@qamesh/logger";
import { describeEventBusContract, embeddedOnly, realServer } from "@qamesh/testkit";
import { KafkaEventBus } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });
let client = 0;

describe.skipIf(embeddedOnly)("Kafka adapter", () => {
  describeEventBusContract("Kafka", async () => {
    const brokers = realServer("KAFKA_BROKERS").split(",");
    return {
      open: async () =>
        new KafkaEventBus({
          brokers,
          clientId: `contract-${client++}`,
          logger,
          // Short timeouts so the "process died" case hands over within the contract's wait.
          sessionTimeoutMs: 6_000,
          rebalanceTimeoutMs: 3_000,
          retryBackoffMs: 50,
        }),
    };
  });
});
