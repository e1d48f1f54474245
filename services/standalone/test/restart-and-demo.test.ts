import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@qamesh/logger";
import { startFirstRunDemo } from "../src/first-run-demo.js";
import { capturedStdout, testRootPassword } from "@qamesh/testkit";
import { startHarness, type Harness } from "./standalone-harness.js";

describe("standalone data across restarts, and the first-run demo", () => {
  let harness: Harness;
  let repositoryRoot: string;

  beforeAll(async () => {
    harness = await startHarness();
    repositoryRoot = join(harness.root, "checkout");
    await mkdir(join(repositoryRoot, "src"), { recursive: true });
    await writeFile(join(repositoryRoot, "src", "limits.ts"), "// Uploads larger than 25 megabytes are rejected by the upload limiter.\nexport const maxUploadMegabytes = 25;\n");
    await writeFile(join(repositoryRoot, ".gitignore"), "secrets/\n");
    await mkdir(join(repositoryRoot, "secrets"), { recursive: true });
    await writeFile(join(repositoryRoot, "secrets", "token.txt"), "the upload limiter password is hunter2\n");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("creates the demo project on an empty data directory, indexes the checkout, and prints how to ask", async () => {
    const printed = await capturedStdout(() => startFirstRunDemo(harness.running.gatewayUrl, repositoryRoot, testRootPassword, createLogger({ service: "test", level: "silent" })));
    const runs = await harness.api("GET", "/v1/projects/demo/ingestions");
    expect(runs.body.runs).toHaveLength(1);
    const run = await harness.waitForRun("demo", runs.body.runs[0].id);
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: 2, indexed: 2 } });
    expect(printed).toContain(`${harness.running.gatewayUrl}/v1/projects/demo/ask`);

    // The printed curl line works as printed, credential included.
    const curlBody = /-d '(\{.*\})'/.exec(printed)![1]!;
    const authorization = /-H 'authorization: (Bearer qm_[^']+)'/.exec(printed)![1]!;
    const asked = await harness.api("POST", "/v1/projects/demo/ask", JSON.parse(curlBody), { authorization });
    expect(asked.status).toBe(200);
    expect((await harness.api("POST", "/v1/projects/demo/ask", JSON.parse(curlBody), { authorization: "" })).status).toBe(401);

    // .gitignore is honoured: the ignored secret was never indexed.
    const hits = await harness.api("POST", "/v1/projects/demo/search", { query: "upload limiter password", k: 10 });
    expect(hits.body.hits.map((hit: { path: string }) => hit.path)).not.toContain("secrets/token.txt");
  });

  it("keeps projects, runs and the index across a restart, and does not create the demo twice", async () => {
    await harness.restart();
    expect((await harness.api("GET", "/v1/projects/demo")).status).toBe(200);
    const hits = await harness.api("POST", "/v1/projects/demo/search", { query: "largest upload size megabytes", k: 1 });
    expect(hits.body.hits[0]).toMatchObject({ path: "src/limits.ts", startLine: 1 });

    await startFirstRunDemo(harness.running.gatewayUrl, repositoryRoot, testRootPassword, createLogger({ service: "test", level: "silent" }));
    expect((await harness.api("GET", "/v1/projects/demo/ingestions")).body.runs).toHaveLength(1);

    // Unchanged files stay unchanged after the restart: the worker's records survived too.
    const again = await harness.api("POST", "/v1/projects/demo/ingestions", { mode: "incremental" });
    expect(await harness.waitForRun("demo", again.body.id)).toMatchObject({ counts: { discovered: 2, indexed: 0, unchanged: 2 } });
  });
});
