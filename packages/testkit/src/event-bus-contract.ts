import { afterEach, describe, expect, it } from "vitest";
import { deadLetterHeaders, deadLetterTopic, type BusEvent, type EventBus } from "@qamesh/ports";
import { eventually } from "./eventually.js";

export interface EventBusFixture {
  /** Opens a bus over the fixture's durable storage; a second call is "another process". */
  open(): Promise<EventBus>;
}

const text = (value: string) => new TextEncoder().encode(value);
const read = (event: BusEvent) => new TextDecoder().decode(event.payload);

/** The behaviour every EventBus adapter must have. */
export function describeEventBusContract(adapter: string, makeFixture: () => Promise<EventBusFixture>): void {
  describe(`EventBus contract: ${adapter}`, () => {
    const opened: EventBus[] = [];
    const open = async (fixture: EventBusFixture) => {
      const bus = await fixture.open();
      opened.push(bus);
      return bus;
    };
    let topicCounter = 0;
    const uniqueTopic = () => `contract.topic-${Date.now()}-${topicCounter++}`;

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((bus) => bus.close()));
    });

    it("delivers events of one key in publish order", async () => {
      const bus = await open(await makeFixture());
      const topic = uniqueTopic();
      const seen: string[] = [];
      await bus.subscribe({ group: "g", topic, handler: async (event) => void seen.push(`${event.key}:${read(event)}`) });
      for (let i = 0; i < 20; i++) {
        await bus.publish([{ topic, key: i % 2 ? "a" : "b", payload: text(String(i)) }]);
      }
      await eventually(() => expect(seen).toHaveLength(20));
      const order = (key: string) => seen.filter((entry) => entry.startsWith(`${key}:`)).map((entry) => Number(entry.slice(2)));
      expect(order("a")).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
      expect(order("b")).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    });

    it("gives every group its own copy and carries id and headers", async () => {
      const bus = await open(await makeFixture());
      const topic = uniqueTopic();
      const first: BusEvent[] = [];
      const second: BusEvent[] = [];
      await bus.subscribe({ group: "one", topic, handler: async (event) => void first.push(event) });
      await bus.subscribe({ group: "two", topic, handler: async (event) => void second.push(event) });
      await bus.publish([{ id: "event-1", topic, key: "k", payload: text("hello"), headers: { "x-request-id": "r1" } }]);
      await eventually(() => expect(first.length + second.length).toBe(2));
      for (const events of [first, second]) {
        expect(events[0]).toMatchObject({ id: "event-1", key: "k", headers: { "x-request-id": "r1" } });
        expect(read(events[0]!)).toBe("hello");
      }
    });

    it("serves several topics to one group, each to its own handler", async () => {
      const bus = await open(await makeFixture());
      const [first, second] = [uniqueTopic(), uniqueTopic()];
      const seen: string[] = [];
      await bus.subscribe({ group: "service", topic: first, handler: async (event) => void seen.push(`first:${read(event)}`) });
      await bus.subscribe({ group: "service", topic: second, handler: async (event) => void seen.push(`second:${read(event)}`) });
      await bus.publish([
        ...["a", "b", "c"].map((value) => ({ topic: first, key: value, payload: text(value) })),
        ...["x", "y", "z"].map((value) => ({ topic: second, key: value, payload: text(value) })),
      ]);
      await eventually(() => expect(seen.sort()).toEqual(["first:a", "first:b", "first:c", "second:x", "second:y", "second:z"]));
    });

    it("redelivers an event whose handler never finished when the consumer's process dies", async () => {
      const fixture = await makeFixture();
      const topic = uniqueTopic();
      const crashed = await open(fixture);
      const firstProcess: string[] = [];
      let release: () => void = () => undefined;
      await crashed.subscribe({
        group: "workers",
        topic,
        handler: async (event) => {
          firstProcess.push(read(event));
          if (read(event) === "2") await new Promise<void>((resolve) => (release = resolve));
        },
      });
      await crashed.publish(["1", "2", "3"].map((value) => ({ topic, key: "same", payload: text(value) })));
      await eventually(() => expect(firstProcess).toEqual(["1", "2"]));

      // The first process is stuck inside event 2 and never commits it: a new process takes over.
      const restarted = await open(fixture);
      const secondProcess: string[] = [];
      await restarted.subscribe({ group: "workers", topic, handler: async (event) => void secondProcess.push(read(event)) });
      await eventually(() => expect(secondProcess).toEqual(["2", "3"]));
      release();
    });

    it("dead-letters an event that always fails and keeps consuming the partition", async () => {
      const bus = await open(await makeFixture());
      const topic = uniqueTopic();
      const processed: string[] = [];
      await bus.subscribe({
        group: "g",
        topic,
        maxAttempts: 3,
        handler: async (event) => {
          if (read(event) === "poison") throw new Error("cannot digest this");
          processed.push(read(event));
        },
      });
      const deadLetters: BusEvent[] = [];
      await bus.subscribe({ group: "dlq-reader", topic: deadLetterTopic(topic), handler: async (event) => void deadLetters.push(event) });
      await bus.publish(["poison", "after"].map((value) => ({ topic, key: "k", payload: text(value) })));
      await eventually(() => expect(processed).toEqual(["after"]));
      await eventually(() => expect(deadLetters).toHaveLength(1));
      expect(read(deadLetters[0]!)).toBe("poison");
      expect(deadLetters[0]!.headers[deadLetterHeaders.error]).toBe("cannot digest this");
      expect(deadLetters[0]!.headers[deadLetterHeaders.attempts]).toBe("3");
    });

    it("retries a failing handler and succeeds without losing the event", async () => {
      const bus = await open(await makeFixture());
      const topic = uniqueTopic();
      let attempts = 0;
      const processed: string[] = [];
      await bus.subscribe({
        group: "g",
        topic,
        maxAttempts: 5,
        handler: async (event) => {
          if (++attempts < 3) throw new Error("transient");
          processed.push(read(event));
        },
      });
      await bus.publish([{ topic, key: "k", payload: text("flaky") }]);
      await eventually(() => expect(processed).toEqual(["flaky"]));
      expect(attempts).toBe(3);
    });

    it("keeps committed progress across a restart: nothing is delivered twice after a clean stop", async () => {
      const fixture = await makeFixture();
      const topic = uniqueTopic();
      const first = await open(fixture);
      const seen: string[] = [];
      const subscription = await first.subscribe({ group: "g", topic, handler: async (event) => void seen.push(read(event)) });
      await first.publish([{ topic, key: "k", payload: text("before") }]);
      await eventually(() => expect(seen).toEqual(["before"]));
      await subscription.stop();
      await first.close();

      const second = await open(fixture);
      await second.publish([{ topic, key: "k", payload: text("after") }]);
      await second.subscribe({ group: "g", topic, handler: async (event) => void seen.push(read(event)) });
      await eventually(() => expect(seen).toEqual(["before", "after"]));
    });
  });
}
