import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@qamesh/logger";
import { describeEventBusContract, eventually, temporaryDirectory } from "@qamesh/testkit";
import { EmbeddedEventBus } from "../src/index.js";

const directory = await temporaryDirectory("bus");
afterAll(() => directory.remove());
let counter = 0;
const logger = createLogger({ service: "test", level: "silent" });

describeEventBusContract("embedded SQLite log", async () => {
  const file = join(directory.path, `bus-${counter++}.sqlite`);
  return { open: async () => new EmbeddedEventBus({ file, logger, pollIntervalMs: 20, retryBackoffMs: 5 }) };
});

describe("embedded log shared by processes", () => {
  it("opens a new log file while another process starting at the same time holds its lock", async () => {
    const file = join(directory.path, "shared-start.sqlite");
    // Another service creating the same new file: it holds a write lock for a moment.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = require("better-sqlite3")(process.argv[1]);
         db.exec("BEGIN IMMEDIATE"); db.exec("CREATE TABLE starting (x)");
         process.stdout.write("locked\\n");
         setTimeout(() => { db.exec("COMMIT"); db.close(); }, 700);`,
        file,
      ],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] },
    );
    await once(holder.stdout!, "data");
    const bus = new EmbeddedEventBus({ file, logger });
    await bus.publish([{ topic: "t", key: "k", payload: new Uint8Array([1]) }]);
    await bus.close();
    await once(holder, "exit");
  });
});

describe("embedded log retention", () => {
  it("drops events older than the retention period and keeps newer ones", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const bus = new EmbeddedEventBus({ file: join(directory.path, "retention.sqlite"), logger, retentionMs: 3600_000, clock: () => now });
    const payload = new Uint8Array([1]);
    await bus.publish([{ id: "old", topic: "t", key: "k", payload }]);
    now = new Date("2026-01-01T02:00:00Z");
    await bus.publish([{ id: "new", topic: "t", key: "k", payload }]);
    expect(bus.prune()).toBe(1);
    const seen: string[] = [];
    await bus.subscribe({ group: "late", topic: "t", handler: async (event) => void seen.push(event.id) });
    await eventually(() => expect(seen).toEqual(["new"]));
    await bus.close();
  });
});
