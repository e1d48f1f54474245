import { describe } from "vitest";
import { describeEndToEnd, embeddedOnly } from "@qamesh/testkit";
import { startDistributedHarness } from "./distributed-harness.js";

// The standalone end-to-end suite, unchanged, against six separate processes on Kafka,
// MongoDB (FerretDB) and Chroma.
describe.skipIf(embeddedOnly)("distributed mode", () => {
  // Chat scaled to two replicas: an answer is written by one and may be followed through the other.
  describeEndToEnd("distributed", () => startDistributedHarness({ chatReplicas: 2 }));
});
