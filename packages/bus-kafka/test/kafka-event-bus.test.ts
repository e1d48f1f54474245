import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@qamesh/logger";
import { describeEventBusContract, embeddedOnly, eventually, realServer } from "@qamesh/testkit";
import { KafkaEventBus, type KafkaEventBusOptions } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });
let client = 0;

const openBus = (overrides: Partial<KafkaEventBusOptions> = {}) =>
  new KafkaEventBus({
    brokers: realServer("KAFKA_BROKERS").split(","),
    clientId: `contract-${client++}`,
    logger,
    namespace: "contract.",
    // Short timeouts so the "process died" case hands over within the contract's wait.
    sessionTimeoutMs: 6_000,
    rebalanceTimeoutMs: 3_000,
    retryBackoffMs: 50,
    ...overrides,
  });

describe.skipIf(embeddedOnly)("Kafka adapter", () => {
  describeEventBusContract("Kafka", async () => ({ open: async () => openBus() }));

  it("answers a health check without waiting out its reconnect policy when no broker is there", async () => {
    const nowhere = openBus({ brokers: ["127.0.0.1:1"] });
    // Health probes have a short deadline: a ping must fail, not retry for a minute.
    await expect(nowhere.ping()).rejects.toThrow(/ECONNREFUSED|Connection error/);
    await nowhere.close();
  }, 10_000);

  describe("long handlers", () => {
    const buses: KafkaEventBus[] = [];
    afterAll(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    });

    it("keep their partition past the session timeout: heartbeats go on, nothing is redelivered", async () => {
      const topic = `slow-${Date.now()}`;
      const bus = openBus({ namespace: "slow." });
      buses.push(bus);
      const deliveries: string[] = [];
      await bus.subscribe({
        group: "slow",
        topic,
        handler: async (event) => {
          deliveries.push(new TextDecoder().decode(event.payload));
          // Longer than the 6 s session timeout: without heartbeats the member would be dropped
          // and the event handed out again.
          if (deliveries.length === 1) await sleep(9_000);
        },
      });
      await bus.publish([
        { topic, key: "k", payload: new TextEncoder().encode("slow") },
        { topic, key: "k", payload: new TextEncoder().encode("next") },
      ]);
      await eventually(() => expect(deliveries).toEqual(["slow", "next"]), 30_000);
      await sleep(2_000);
      expect(deliveries).toEqual(["slow", "next"]);
    }, 45_000);

    it("rejoin the group when a rebalance completed without them while they ran, and go on consuming", async () => {
      const topic = `evicted-${Date.now()}`;
      const encode = (text: string) => new TextEncoder().encode(text);
      const first = openBus({ namespace: "evicted." });
      buses.push(first);
      const seenByFirst: string[] = [];
      let handling = false;
      await first.subscribe({
        group: "evicted",
        topic,
        handler: async (event) => {
          const text = new TextDecoder().decode(event.payload);
          seenByFirst.push(text);
          if (text !== "slow") return;
          handling = true;
          // A member joins meanwhile: the rebalance waits 3 s (the rebalance timeout) for this
          // one, which cannot rejoin inside a handler, and completes without it. Its commit
          // afterwards is refused as from an unknown member.
          await sleep(8_000);
        },
      });
      await first.publish([{ topic, key: "k", payload: encode("slow") }]);
      await eventually(() => expect(handling).toBe(true), 20_000);

      const second = openBus({ namespace: "evicted." });
      await second.subscribe({ group: "evicted", topic, handler: async () => {} });
      await eventually(() => expect(seenByFirst.length).toBeGreaterThan(0), 1_000);
      await sleep(8_000);
      // The newcomer leaves: every partition is the first member's again, if it rejoined.
      await second.close();
      await first.publish([{ topic, key: "k", payload: encode("after") }]);
      await eventually(() => expect(seenByFirst).toContain("after"), 40_000);
    }, 90_000);
  });

  describe("namespaces", () => {
    const buses: KafkaEventBus[] = [];
    afterAll(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    });

    it("keeps two deployments on one cluster apart: same topic and group, different namespaces", async () => {
      const topic = `shared-${Date.now()}`;
      const [blue, green] = [openBus({ namespace: "blue." }), openBus({ namespace: "green." })];
      buses.push(blue, green);
      const seen = { blue: [] as string[], green: [] as string[] };
      await blue.subscribe({ group: "workers", topic, handler: async (event) => void seen.blue.push(event.topic) });
      await green.subscribe({ group: "workers", topic, handler: async (event) => void seen.green.push(event.topic) });
      await blue.publish([{ topic, key: "k", payload: new Uint8Array([1]) }]);
      await eventually(() => expect(seen.blue).toEqual([topic]));
      await sleep(1_000);
      expect(seen.green).toEqual([]);
    });
  });
});
