import { join } from "node:path";
import { afterAll } from "vitest";
import { describeDocumentStoreContract, temporaryDirectory } from "@qamesh/testkit";
import { SqliteDocumentStore } from "../src/index.js";

const directory = await temporaryDirectory("store");
afterAll(() => directory.remove());
let counter = 0;

describeDocumentStoreContract("SQLite", async () => SqliteDocumentStore.open(join(directory.path, `store-${counter++}.sqlite`)));
