import { describe } from "vitest";
import { describePushWebhooks, embeddedOnly } from "@qamesh/testkit";
import { startDistributedHarness } from "./distributed-harness.js";

// The same deliveries against separate processes on Kafka, MongoDB (FerretDB) and Chroma.
describe.skipIf(embeddedOnly)("distributed mode", () => {
  describePushWebhooks("distributed", () => startDistributedHarness());
});
