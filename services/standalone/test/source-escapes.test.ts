import { mkdir, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GitRepositoryFixture, temporaryDirectory } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

/** Words only the files outside the roots contain: no search may ever find them. */
const canary = "zebracanary quokkasecret";

describe("local sources never read outside LOCAL_SOURCE_ROOTS, whatever links say", () => {
  let harness: Harness;
  let outside: { path: string; remove(): Promise<void> };

  beforeAll(async () => {
    harness = await startHarness();
    outside = await temporaryDirectory("outside");
    await writeFile(join(outside.path, "passwd"), `root:x:0:0:${canary}:/root:/bin/bash\n`);
    const outsideRepository = await GitRepositoryFixture.create(join(outside.path, "repository"));
    await outsideRepository.write({ "secret.md": `# Secret\n\n${canary}\n` });
    await outsideRepository.commit("secret");
  });

  afterAll(async () => {
    await harness?.stop();
    await outside?.remove();
  });

  const newProject = async (name: string) => (await harness.api("POST", "/v1/projects", { name })).body.id as string;
  const canaryHits = async (projectId: string) => {
    const { body } = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: canary, k: 50 });
    return (body.hits as { text: string }[]).filter((hit) => hit.text.includes("zebracanary"));
  };

  it("refuses a local path that is a link inside a root pointing outside, without naming the roots", async () => {
    await symlink(outside.path, join(harness.root, "etc-link"));
    const projectId = await newProject("Link");
    const response = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: join(harness.root, "etc-link") });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe("path");
    expect(response.body.error.message).toContain("outside the directories this server allows");
    expect(response.body.error.message).not.toContain(harness.root);
  });

  it("refuses a file:// URL that is a link to a repository outside the roots", async () => {
    await symlink(join(outside.path, "repository"), join(harness.root, "repository-link"));
    const projectId = await newProject("Repository link");
    const url = pathToFileURL(join(harness.root, "repository-link")).href;
    const response = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe("url");
  });

  it("indexes a folder's own files but not the files or folders its links lead to outside", async () => {
    const folder = join(harness.root, "with-links");
    await mkdir(folder);
    await writeFile(join(folder, "readme.md"), "# Inside\n\nThe inside document about wombats.\n");
    await symlink(join(outside.path, "passwd"), join(folder, "passwd.md"));
    await symlink(outside.path, join(folder, "etc"));
    const projectId = await newProject("Links inside");
    expect((await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder })).status).toBe(201);
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: 1, indexed: 1 } });
    expect(await canaryHits(projectId)).toEqual([]);
  });

  it("stops reading a source once the roots no longer hold it, and a folder swapped for a link to outside", async () => {
    const narrowed = join(harness.root, "still-allowed");
    await mkdir(narrowed);
    const folder = join(harness.root, "project-folder");
    await mkdir(folder);
    await writeFile(join(folder, "notes.md"), "# Notes\n\nHarmless notes about kangaroos.\n");
    const repository = await GitRepositoryFixture.create(join(harness.root, "project-repository"));
    await repository.write({ "doc.md": "# Doc\n\nA harmless document about emus.\n" });
    await repository.commit("doc");
    const projectId = await newProject("Narrowed later");
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder });
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: repository.url });

    // The folder becomes a link to outside after it was accepted: the next run must not follow it.
    await rename(folder, `${folder}-moved`);
    await symlink(outside.path, folder);
    const swapped = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    const swappedRun = await harness.waitForRun(projectId, swapped.body.id);
    expect(swappedRun.status).toBe("failed");
    expect(swappedRun.errors.map((error: { message: string }) => error.message)).toContain(
      `local source ${folder} is outside the directories this server allows for local sources`,
    );
    expect(await canaryHits(projectId)).toEqual([]);

    // The roots are narrowed: neither source may be read any more.
    await harness.restart({ LOCAL_SOURCE_ROOTS: narrowed });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run.status).toBe("failed");
    expect(run.counts.indexed).toBe(0);
    const messages = run.errors.map((error: { message: string }) => error.message).join("\n");
    expect(messages).toContain(`${repository.url} is outside the directories this server allows for local sources`);
    expect(messages).toContain(`local source ${folder} is outside the directories`);
  });
});
