import { describe } from "vitest";
import { describeEndToEnd, embeddedOnly } from "@qamesh/testkit";
import { startDistributedHarness } from "./distributed-harness.js";

// The standalone end-to-end suite, unchanged, against six separate processes on Kafka,
// MongoDB (FerretDB) and Chroma.
describe.skipIf(embeddedOnly)("distributed mode", () => {
  describeEndToEnd("distributed", () => startDistributedHarness());
});
