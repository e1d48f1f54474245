import { randomUUID } from "node:crypto";
import { embeddedOnly, realServer } from "@qamesh/testkit";
import { describe, expect, it } from "vitest";
import { openRateLimiter } from "../src/index.js";

const limit = () => ({ name: `test-${randomUUID()}`, points: 3, durationSeconds: 60 });

describe("rate limiter in this process (standalone)", () => {
  it("allows the points of a window, then says how long to wait", async () => {
    const limiter = await openRateLimiter({ MONGODB_DATABASE: "unused" });
    const rule = limit();
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limiter.consume(rule, "alice"));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(waits[3]).toBeLessThanOrEqual(60);
    expect(await limiter.consume(rule, "bob")).toBe(0);
    await limiter.close();
  });
});

describe.skipIf(embeddedOnly)("rate limiter on MongoDB, shared by replicas", () => {
  it("counts the attempts of two gateways against one limit", async () => {
    const config = { MONGODB_URI: realServer("MONGODB_URI"), MONGODB_DATABASE: `qamesh_limits_${randomUUID().slice(0, 8)}` };
    const [first, second] = await Promise.all([openRateLimiter(config), openRateLimiter(config)]);
    const rule = limit();
    // One after the other: FerretDB (the MongoDB server of these tests) applies two clients'
    // simultaneous increments of one counter as one (measured: 4 at once counted 2); MongoDB
    // applies findOneAndUpdate atomically.
    const waits = [];
    for (const limiter of [first, second, first, second]) waits.push(await limiter.consume(rule, "alice"));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(3);
    expect(await second.consume(rule, "alice")).toBeGreaterThan(0);
    expect(await first.consume(rule, "bob")).toBe(0);
    await Promise.all([first.close(), second.close()]);
  });
});
