import { mkdir, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

/** Starts a streaming ask and hangs up after `events` chunks of the answer have arrived. */
function askAndHangUp(gatewayUrl: string, authorization: string, projectId: string, events: number): Promise<void> {
  const url = new URL(`${gatewayUrl}/v1/projects/${projectId}/ask`);
  return new Promise((resolve) => {
    const call = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream", authorization } },
      (response) => {
        let seen = 0;
        response.on("data", () => {
          if (++seen === events) {
            call.destroy();
            resolve();
          }
        });
        response.on("end", resolve);
      },
    );
    call.on("error", () => resolve());
    call.end(JSON.stringify({ question: "Which retry policy applies to invoices?" }));
  });
}

describe("clients that hang up mid-answer", () => {
  let harness: Harness;
  const logLines: string[] = [];
  let projectId: string;

  beforeAll(async () => {
    harness = await startHarness({}, { logLines });
    const folder = join(harness.root, "docs");
    await mkdir(folder);
    for (let i = 0; i < 20; i++) {
      await writeFile(join(folder, `policy-${i}.md`), `# Policy ${i}\n\n${"Invoices are retried every 17 minutes under the retry policy. ".repeat(20)}\n`);
    }
    projectId = (await harness.api("POST", "/v1/projects", { name: "Hang-ups" })).body.id;
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    expect((await harness.waitForRun(projectId, started.body.id)).status).toBe("succeeded");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("are logged as ordinary disconnects, never as errors with stacks, and leave nothing that holds up shutdown", async () => {
    logLines.length = 0;
    const hangUps = 40;
    const authorization = await harness.authorization();
    await Promise.all(Array.from({ length: hangUps }, (_, i) => askAndHangUp(harness.gatewayUrl, authorization, projectId, 1 + (i % 4))));
    // The mesh still answers, then stops promptly.
    expect((await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "retry policy" })).status).toBe(200);
    await harness.running.stop();

    const entries = logLines.map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown });
    expect(entries.filter((entry) => entry.level >= 50)).toEqual([]);
    expect(entries.filter((entry) => entry.err !== undefined)).toEqual([]);
    const disconnects = entries.filter((entry) => entry.msg === "client disconnected before the answer was complete");
    expect(disconnects.length).toBeLessThanOrEqual(hangUps);
    await harness.restart();
  });
});
