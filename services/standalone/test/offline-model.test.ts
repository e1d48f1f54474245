import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@qamesh/logger";
import { temporaryDirectory } from "@qamesh/testkit";
import { ephemeralStandaloneEnvironment, startStandalone } from "../src/index.js";
import { startHarness, type Harness } from "./standalone-harness.js";

const fetchScript = join(dirname(fileURLToPath(import.meta.url)), "../../../scripts/models/fetch-embedding-model.sh");

describe("standalone with the offline embedding model (the default embedder)", () => {
  let harness: Harness;

  beforeAll(async () => {
    await promisify(execFile)(fetchScript, [], { timeout: 240_000 });
    harness = await startHarness({ EMBEDDING_PROVIDER: "onnx" });
  }, 300_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it("indexes with the model, and finds by meaning what shares no word with the question", async () => {
    const folder = join(harness.root, "meaning");
    const files: Record<string, string> = {
      "docs/holidays.md": "# Leave\n\nStaff get twenty-five days of paid vacation every year.\n",
      "docs/parking.md": "# Parking\n\nThe garage under building B has spaces for bicycles and cars.\n",
      "docs/lunch.md": "# Canteen\n\nThe canteen serves soup and salad from noon until two.\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), text);
    }
    const project = await harness.api("POST", "/v1/projects", { name: "Handbook" });
    const projectId = project.body.id as string;
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    expect(await harness.waitForRun(projectId, started.body.id, 120_000)).toMatchObject({ status: "succeeded", counts: { indexed: 3 } });
    // "time off" and "annual" appear nowhere: only the model relates them to paid vacation.
    const hits = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "how much annual time off do employees have?", k: 3, mode: "vector" });
    const [first, second] = hits.body.hits as { path: string; score: number }[];
    expect(first).toMatchObject({ path: "docs/holidays.md", symbol: "Leave", language: "markdown" });
    // Near in meaning, not by chance: the hashing embedder scores it 0.08, the model about 0.5.
    expect(first!.score).toBeGreaterThan(0.3);
    expect(first!.score - second!.score).toBeGreaterThan(0.2);
  });

  it("refuses to start without the model's files, saying what to do", async () => {
    const directory = await temporaryDirectory("no-model");
    try {
      const env = ephemeralStandaloneEnvironment(directory.path, { EMBEDDING_PROVIDER: "onnx", EMBEDDING_MODEL_DIR: join(directory.path, "models") });
      await expect(startStandalone(env, createLogger({ service: "test", level: "silent" }))).rejects.toThrow(/npm run models/);
    } finally {
      await directory.remove();
    }
  });
});
