import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

describe("listings and answers stay within bounds however much there is", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("pages through more projects than one gRPC message could carry, each exactly once", async () => {
    // 2,200 projects with 2,000-character descriptions: over 4 MB as one list.
    const total = 2200;
    for (let start = 0; start < total; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, total - start) }, (_, i) =>
          harness.api("POST", "/v1/projects", { name: `Project ${start + i}`, description: "d".repeat(2000) }).then((response) => expect(response.status).toBe(201)),
        ),
      );
    }
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : "?limit=200";
      const page = await harness.api("GET", `/v1/projects${query}`);
      expect(page.status).toBe(200);
      expect(page.body.projects.length).toBeLessThanOrEqual(200);
      for (const project of page.body.projects) {
        expect(seen.has(project.id)).toBe(false);
        seen.add(project.id);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 200));

    const first = await harness.api("GET", "/v1/projects");
    expect(first.body.projects).toHaveLength(50);
    expect((await harness.api("GET", "/v1/projects?limit=201")).status).toBe(400);
    const forged = await harness.api("GET", "/v1/projects?cursor=not-a-cursor");
    expect(forged.status).toBe(400);
    expect(forged.body.error.field).toBe("cursor");
  }, 120_000);

  it("refuses 900 KB URLs instead of storing them", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Long URLs" })).body.id;
    const response = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: `https://example.com/${"a".repeat(900_000)}` });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe("url");
  });

  it("splits a 900 KB minified line into bounded chunks, so search and ask answer in a few kilobytes", async () => {
    const folder = join(harness.root, "minified");
    await mkdir(folder);
    const line = Array.from({ length: 60_000 }, (_, i) => `v${i}=f(${i});`).join("");
    expect(line.length).toBeGreaterThan(800_000);
    await writeFile(join(folder, "bundle.min.js"), `${line}\n`);
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Minified" })).body.id;
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    expect((await harness.waitForRun(projectId, started.body.id)).status).toBe("succeeded");

    const search = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "v12345 f", k: 50 });
    expect(search.status).toBe(200);
    expect(search.body.hits.length).toBeGreaterThan(10);
    for (const hit of search.body.hits) expect(hit).toMatchObject({ path: "bundle.min.js", startLine: 1, endLine: 1 });
    expect(JSON.stringify(search.body).length).toBeLessThan(200_000);

    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "what does v12345 call?" });
    expect(asked.status).toBe(200);
    expect(JSON.stringify(asked.body).length).toBeLessThan(64_000);
  });
});
