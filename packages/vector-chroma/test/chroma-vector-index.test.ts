import { randomUUID } from "node:crypto";
import { describe } from "vitest";
import { describeVectorIndexContract, embeddedOnly, realServer } from "@qamesh/testkit";
import { ChromaVectorIndex } from "../src/index.js";

describe.skipIf(embeddedOnly)("Chroma adapter", () => {
  describeVectorIndexContract(
    "Chroma server",
    // A fresh prefix per storage: every test starts from empty collections on the shared server.
    () => {
      const collectionPrefix = `contract-${randomUUID().slice(0, 8)}`;
      return async () => new ChromaVectorIndex({ url: realServer("CHROMA_URL"), collectionPrefix, batchSize: 2 });
    },
  );
});
