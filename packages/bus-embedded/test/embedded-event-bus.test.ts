import { join } from "node:path";
import { afterAll } from "vitest";
import { createLogger } from "@qamesh/logger";
import { describeEventBusContract, temporaryDirectory } from "@qamesh/testkit";
import { EmbeddedEventBus } from "../src/index.js";

const directory = await temporaryDirectory("bus");
afterAll(() => directory.remove());
let counter = 0;
const logger = createLogger({ service: "test", level: "silent" });

describeEventBusContract("embedded SQLite log", async () => {
  const file = join(directory.path, `bus-${counter++}.sqlite`);
  return { open: async () => new EmbeddedEventBus({ file, logger, pollIntervalMs: 20, retryBackoffMs: 5 }) };
});
