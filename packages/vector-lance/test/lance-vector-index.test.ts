import { join } from "node:path";
import { afterAll } from "vitest";
import { describeVectorIndexContract, temporaryDirectory } from "@qamesh/testkit";
import { LanceVectorIndex } from "../src/index.js";

const directory = await temporaryDirectory("lance");
afterAll(() => directory.remove());
let counter = 0;

describeVectorIndexContract("LanceDB", async () => LanceVectorIndex.open(join(directory.path, `index-${counter++}`)));
