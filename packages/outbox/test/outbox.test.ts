import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedEventBus } from "@qamesh/bus-embedded";
import { createLogger } from "@qamesh/logger";
import type { BusEvent, StoredDocument } from "@qamesh/ports";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { eventually, temporaryDirectory } from "@qamesh/testkit";
import { addToOutbox, applyOnce, markerRetentionDays, OutboxRelay, pruneExpiredMarkers } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });
const directory = await temporaryDirectory("outbox");
afterAll(() => directory.remove());

interface Counter extends StoredDocument {
  value: number;
}

describe("outbox", () => {
  it("publishes an event only when its transaction commits, in order, and empties itself", async () => {
    const store = SqliteDocumentStore.open(join(directory.path, "store-1.sqlite"));
    const bus = new EmbeddedEventBus({ file: join(directory.path, "bus-1.sqlite"), logger, pollIntervalMs: 20 });
    const received: string[] = [];
    await bus.subscribe({ group: "g", topic: "t", handler: async (event) => void received.push(event.id) });
    const relay = new OutboxRelay({ store, bus, logger, intervalMs: 20 });
    relay.start();

    await store
      .transaction(async (tx) => {
        await addToOutbox(tx, "p", { id: "rolled-back", topic: "t", key: "k", payload: new Uint8Array([1]) });
        throw new Error("the state write failed");
      })
      .catch(() => undefined);
    await store.transaction(async (tx) => {
      await addToOutbox(tx, "p", { id: "first", topic: "t", key: "k", payload: new Uint8Array([1]) });
      await addToOutbox(tx, "p", { id: "second", topic: "t", key: "k", payload: new Uint8Array([2]) });
    });
    relay.kick();

    await eventually(() => expect(received).toEqual(["first", "second"]));
    await eventually(async () => expect(await store.collection("outbox").findAcrossProjects({})).toEqual([]));
    await relay.stop();
    await bus.close();
    await store.close();
  });
});

describe("applyOnce", () => {
  it("applies a redelivered event's writes only the first time", async () => {
    const store = SqliteDocumentStore.open(join(directory.path, "store-2.sqlite"));
    const event: BusEvent = { id: "e-1", topic: "t", key: "k", payload: new Uint8Array(), headers: {} };
    const increment = () =>
      applyOnce(store, "counter-group", "p", event, async (tx) => {
        const counters = tx.collection<Counter>("counters");
        const current = (await counters.get("p", "c"))?.value ?? 0;
        await counters.put({ id: "c", projectId: "p", value: current + 1 });
      });
    expect(await increment()).toBe(true);
    expect(await increment()).toBe(false);
    expect((await store.collection<Counter>("counters").get("p", "c"))?.value).toBe(1);
    await store.close();
  });

  it("forgets markers once no redelivery can come any more, and only then", async () => {
    const store = SqliteDocumentStore.open(join(directory.path, "store-3.sqlite"));
    const processedOn = new Date("2026-01-01T12:00:00Z");
    const event = (id: string): BusEvent => ({ id, topic: "t", key: "k", payload: new Uint8Array(), headers: {} });
    const apply = (id: string, now: Date) => applyOnce(store, "g", "p", event(id), async () => undefined, now);
    expect(await apply("old", processedOn)).toBe(true);
    expect(await apply("recent", new Date("2026-01-05T12:00:00Z"))).toBe(true);

    const lastDayOfRetention = new Date(processedOn.getTime() + markerRetentionDays * 86_400_000);
    expect(await pruneExpiredMarkers(store, lastDayOfRetention)).toBe(0);
    expect(await apply("old", lastDayOfRetention)).toBe(false);
    expect(await pruneExpiredMarkers(store, new Date(lastDayOfRetention.getTime() + 86_400_000))).toBe(1);
    expect(await apply("recent", new Date(lastDayOfRetention.getTime() + 86_400_000))).toBe(false);
    await store.close();
  });
});
