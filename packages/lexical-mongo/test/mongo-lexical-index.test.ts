import { randomUUID } from "node:crypto";
import { describe } from "vitest";
import { describeLexicalIndexContract, embeddedOnly, realServer } from "@qamesh/testkit";
import { MongoLexicalIndex } from "../src/index.js";

describe.skipIf(embeddedOnly)("MongoDB lexical index", () => {
  describeLexicalIndexContract("MongoDB (real server)", () => {
    const database = `qamesh_lexical_${randomUUID().slice(0, 8)}`;
    return () => MongoLexicalIndex.connect(realServer("MONGODB_URI"), database);
  });
});
