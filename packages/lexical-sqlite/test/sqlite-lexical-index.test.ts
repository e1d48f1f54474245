import { join } from "node:path";
import { afterAll } from "vitest";
import { describeLexicalIndexContract, temporaryDirectory } from "@qamesh/testkit";
import { SqliteLexicalIndex } from "../src/index.js";

const directory = await temporaryDirectory("lexical");
afterAll(() => directory.remove());

let files = 0;
describeLexicalIndexContract("SQLite FTS5", () => {
  const file = join(directory.path, `lexical-${files++}.sqlite`);
  return () => Promise.resolve(SqliteLexicalIndex.open(file));
});
