import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

describe("bad input gets a clear 4xx or a failed run, never a 500 or a crash", () => {
  let harness: Harness;
  let projectId: string;

  beforeAll(async () => {
    harness = await startHarness();
    projectId = (await harness.api("POST", "/v1/projects", { name: "Target" })).body.id;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const expectError = (response: { status: number; body: any }, status: number, field?: string) => {
    expect(response.status).toBe(status);
    expect(response.body.error.message).toEqual(expect.any(String));
    expect(response.body.error.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toMatch(/at .+\.ts:\d+/);
    if (field) expect(response.body.error.field).toBe(field);
  };

  it("rejects malformed JSON", async () => {
    expectError(await harness.api("POST", "/v1/projects", "{\"name\": "), 400, "body");
  });

  it("names the missing or wrong field", async () => {
    expectError(await harness.api("POST", "/v1/projects", {}), 400, "name");
    expectError(await harness.api("POST", "/v1/projects", { name: "x", id: "Not A Slug" }), 400, "id");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "svn", url: "x" }), 400, "type");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git" }), 400, "url");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "sideways" }), 400, "mode");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "x", k: 500 }), 400, "k");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "   " }), 400, "question");
    expectError(await harness.api("PATCH", `/v1/projects/${projectId}`, { colour: "red" }), 400);
  });

  it("answers 404 for an unknown project, source, run or route", async () => {
    expectError(await harness.api("GET", "/v1/projects/nobody"), 404);
    expectError(await harness.api("POST", "/v1/projects/nobody/ask", { question: "anything?" }), 404);
    expectError(await harness.api("POST", "/v1/projects/nobody/search", { query: "anything" }), 404);
    expectError(await harness.api("POST", "/v1/projects/nobody/ingestions", {}), 404);
    expectError(await harness.api("GET", `/v1/projects/${projectId}/ingestions/no-such-run`), 404);
    expectError(await harness.api("DELETE", `/v1/projects/${projectId}/sources/no-such-source`), 404);
    expectError(await harness.api("GET", "/v1/nothing-here"), 404);
  });

  it("says what is wrong with a value that is present, and that a body must be an object", async () => {
    const fractional = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "x", k: 1.5 });
    expectError(fractional, 400, "k");
    expect(fractional.body.error.message).toBe("k: must be a whole number from 1 to 50");
    const array = await harness.api("POST", "/v1/projects", []);
    expectError(array, 400, "body");
    expect(array.body.error.message).toBe("body must be a JSON object");
    expect((await harness.api("POST", "/v1/projects", {})).body.error.message).toBe("name is required");
  });

  it("refuses a body in another format than JSON with 415, and one over the limit with 413", async () => {
    const form = await harness.api("PATCH", `/v1/projects/${projectId}`, "name=Renamed", { "content-type": "application/x-www-form-urlencoded" });
    expectError(form, 415, "content-type");
    expect((await harness.api("GET", `/v1/projects/${projectId}`)).body.name).toBe("Target");
    expectError(await harness.api("POST", "/v1/projects", JSON.stringify({ name: "x", description: "d".repeat(2 * 1024 * 1024) })), 413, "body");
  });

  it("does not start a run from a cross-site form post", async () => {
    const project = await harness.api("POST", "/v1/projects", { name: "Csrf" });
    await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path: harness.root });
    const forged = await harness.api("POST", `/v1/projects/${project.body.id}/ingestions`, "mode=full", {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://evil.example",
    });
    expectError(forged, 415);
    expect((await harness.api("GET", `/v1/projects/${project.body.id}/ingestions`)).body.runs).toEqual([]);
  });

  it("refuses the same folder or repository twice in a project, naming the source that has it", async () => {
    const project = await harness.api("POST", "/v1/projects", { name: "Duplicates" });
    const first = await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path: harness.root });
    expect(first.status).toBe(201);
    const again = await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path: `${harness.root}/` });
    expectError(again, 409);
    expect(again.body.error.message).toContain(first.body.id);
    const repository = await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "git", url: "https://git.example.com/team/repo.git" });
    expect(repository.status).toBe(201);
    expectError(await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "git", url: "https://GIT.example.com/team/repo/" }), 409);
    // Another branch of the same repository is another source; a removed source can be added again.
    expect((await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "git", url: "https://git.example.com/team/repo.git", branch: "release" })).status).toBe(201);
    expect((await harness.api("DELETE", `/v1/projects/${project.body.id}/sources/${first.body.id}`)).status).toBe(204);
    expect((await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path: harness.root })).status).toBe(201);
    const listed = await harness.api("GET", `/v1/projects/${project.body.id}/sources`);
    expect(listed.body.sources).toHaveLength(3);
  });

  it("refuses control characters and overlong texts at the door", async () => {
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: `${harness.root}/a\u0000b` }), 400, "path");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: `${harness.root}/a\nb` }), 400, "path");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: `https://example.com/${"x".repeat(3000)}` }), 400, "url");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", name: "a\nb", path: `${harness.root}/named` }), 400, "name");
    expectError(await harness.api("POST", "/v1/projects", { name: "x", description: "d".repeat(2001) }), 400, "description");
  });

  it("refuses an ingestion of a project without sources with 409", async () => {
    const empty = await harness.api("POST", "/v1/projects", { name: "Empty" });
    expectError(await harness.api("POST", `/v1/projects/${empty.body.id}/ingestions`, {}), 409);
  });

  it("refuses a duplicate project id with 409", async () => {
    expect((await harness.api("POST", "/v1/projects", { name: "Once", id: "unique-one" })).status).toBe(201);
    expectError(await harness.api("POST", "/v1/projects", { name: "Twice", id: "unique-one" }), 409);
  });

  it("refuses local paths and file:// repositories outside the allowed roots, and command-running git transports", async () => {
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: "/etc" }), 400, "path");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: join(harness.root, "..", "..", "etc") }), 400, "path");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: "relative/dir" }), 400, "path");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: "file:///etc" }), 400, "url");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: "ext::sh -c touch% /tmp/pwned" }), 400, "url");
  });

  it("refuses git URLs that git or ssh would read as an option", async () => {
    for (const url of ["-u@x:y", "--upload-pack=touch /tmp/pwned", "user@-oProxyCommand=x:repo", "ssh://-oProxyCommand=x/repo", "git@host:-repo"]) {
      expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url }), 400, "url");
    }
  });

  it("answers 400, not 500, for malformed ids, bodies and file:// URLs", async () => {
    for (const path of ["/v1/projects/%ff", `/v1/projects/${projectId}/ingestions/%ff`, "/v1/projects/%E0%A4%A"]) {
      expectError(await harness.api("GET", path), 400);
    }
    expectError(await harness.api("DELETE", `/v1/projects/${projectId}/sources/%ff`), 400);
    for (const encoding of ["deflate", "br", "gzip"]) {
      expectError(await harness.api("POST", "/v1/projects", "this is not compressed at all", { "content-encoding": encoding }), 400, "body");
    }
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: "file://evil.example/etc/repo" }), 400, "url");
    expectError(await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: `file://${harness.root}/a%2f..%2f..%2fetc` }), 400, "url");
  });

  it("ends a run on a repository that cannot be cloned as failed with a readable error, and stays healthy", async () => {
    const project = await harness.api("POST", "/v1/projects", { name: "Broken" });
    const missing = pathToFileURL(join(harness.root, "no-such-repository")).href;
    const source = await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "git", url: missing });
    expect(source.status).toBe(201);
    const started = await harness.api("POST", `/v1/projects/${project.body.id}/ingestions`, {});
    const run = await harness.waitForRun(project.body.id, started.body.id);
    expect(run.status).toBe("failed");
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0].message).toContain(`could not fetch ${missing}`);
    expect(run.errors[0].message).not.toMatch(/\n|at .+\.ts/);
    expect((await harness.api("GET", "/ready")).status).toBe(200);
  });

  it("skips a local folder that disappeared, failing only that run", async () => {
    const project = await harness.api("POST", "/v1/projects", { name: "Vanishing" });
    await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path: join(harness.root, "never-created") });
    const started = await harness.api("POST", `/v1/projects/${project.body.id}/ingestions`, {});
    const run = await harness.waitForRun(project.body.id, started.body.id);
    expect(run.status).toBe("failed");
    expect(run.errors[0].message).toContain("is not a readable directory");
  });
});
