import { join } from "node:path";
import { openApiDocument } from "@qamesh/gateway";
import { gatewayClient, type GatewayClient } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectsAAndB, startHarness, type Harness } from "./standalone-harness.js";

const password = "a-long-user-password-42";

describe("project roles and isolation through the public API", () => {
  let harness: Harness;
  let alice: GatewayClient;
  let bob: GatewayClient;
  let bobId: string;
  let projectA: string;
  let projectB: string;
  let sourceB: string;
  let runB: string;

  beforeAll(async () => {
    harness = await startHarness();
    for (const username of ["alice", "bob"]) expect((await harness.api("POST", "/v1/users", { username, password })).status).toBe(201);
    bobId = (await harness.api("GET", "/v1/users")).body.users.find((user: { username: string }) => user.username === "bob").id;
    alice = gatewayClient(() => harness.gatewayUrl, { username: "alice", password });
    bob = gatewayClient(() => harness.gatewayUrl, { username: "bob", password });
    ({ projectA, projectB, sourceB, runB } = await projectsAAndB(alice, harness.root));
    expect((await alice.api("PUT", `/v1/projects/${projectA}/members/${bobId}`, { role: "member" })).status).toBe(200);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("makes the creator of a project its admin, and shows each user their memberships", async () => {
    const me = await alice.api("GET", "/v1/me");
    expect(me.body).toMatchObject({ username: "alice", globalRole: "user" });
    expect(me.body.memberships).toEqual(expect.arrayContaining([{ projectId: projectA, role: "admin" }, { projectId: projectB, role: "admin" }]));
    expect((await bob.api("GET", "/v1/me")).body.memberships).toEqual([{ projectId: projectA, role: "member" }]);
    expect((await bob.api("GET", "/v1/projects")).body.projects.map((project: { id: string }) => project.id)).toEqual([projectA]);
  });

  it("answers a non-member 404 on every project-scoped route of the API description, and changes nothing", async () => {
    const ids: Record<string, string> = { projectId: projectB, sourceId: sourceB, runId: runB, userId: bobId };
    const bodies: Record<string, unknown> = {
      "POST /v1/projects/{projectId}/sources": { type: "local", path: join(harness.root, "docs") },
      "POST /v1/projects/{projectId}/search": { query: "launch codes" },
      "POST /v1/projects/{projectId}/ask": { question: "Where are the launch codes?" },
      "PATCH /v1/projects/{projectId}": { name: "Taken over" },
      "PUT /v1/projects/{projectId}/members/{userId}": { role: "admin" },
    };
    const routes = Object.entries(openApiDocument.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes("{projectId}"))
      .flatMap(([path, item]) => Object.keys(item).filter((method) => method !== "parameters").map((method) => ({ method: method.toUpperCase(), path })));
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const { method, path } of routes) {
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
      const response = await bob.api(method, concrete, bodies[`${method} ${path}`] ?? (method === "GET" || method === "DELETE" ? undefined : {}));
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const after = await alice.api("GET", `/v1/projects/${projectB}`);
    expect(after.body.name).toBe("B");
    expect((await alice.api("GET", `/v1/projects/${projectB}/sources`)).body.sources).toHaveLength(1);
    expect((await alice.api("GET", `/v1/projects/${projectB}/members`)).body.members).toHaveLength(1);
  });

  it("lets a member search, ask and read runs, and answers 403 to admin actions", async () => {
    expect((await bob.api("POST", `/v1/projects/${projectA}/search`, { query: "anything" })).status).toBe(200);
    expect((await bob.api("GET", `/v1/projects/${projectA}/ingestions`)).status).toBe(200);
    expect((await bob.api("DELETE", `/v1/projects/${projectA}`)).status).toBe(403);
    expect((await bob.api("POST", `/v1/projects/${projectA}/sources`, { type: "local", path: harness.root })).status).toBe(403);
    expect((await bob.api("POST", `/v1/projects/${projectA}/ingestions`, {})).status).toBe(403);
    expect((await bob.api("PUT", `/v1/projects/${projectA}/members/${bobId}`, { role: "admin" })).status).toBe(403);
    expect((await bob.api("GET", `/v1/projects/${projectA}/members`)).status).toBe(403);
    expect((await bob.api("POST", "/v1/users", { username: "eve", password })).status).toBe(403);
    expect((await alice.api("GET", `/v1/projects/${projectA}`)).body.name).toBe("A");
  });

  it("never makes an API key wider than its owner, and narrows a key to its projects and role", async () => {
    expect((await bob.api("POST", "/v1/api-keys", { name: "wide", role: "admin" })).status).toBe(403);
    expect((await bob.api("POST", "/v1/api-keys", { name: "other", projectIds: [projectB] })).status).toBe(404);
    const narrowed = await alice.api("POST", "/v1/api-keys", { name: "read-only", projectIds: [projectA], role: "member" });
    expect(narrowed.status).toBe(201);
    const key = { authorization: `Bearer ${narrowed.body.key}` };
    expect((await harness.api("POST", `/v1/projects/${projectA}/search`, { query: "x" }, key)).status).toBe(200);
    expect((await harness.api("DELETE", `/v1/projects/${projectA}`, undefined, key)).status).toBe(403);
    expect((await harness.api("GET", `/v1/projects/${projectB}`, undefined, key)).status).toBe(404);
    expect((await harness.api("POST", "/v1/api-keys", { name: "from a key" }, key)).status).toBe(403);
  });

  it("writes who did what, when and from where to the audit trail, shown to those who may read it", async () => {
    expect((await harness.api("POST", "/v1/auth/login", { username: "alice", password: "not-her-password" }, { authorization: "" })).status).toBe(401);
    const global = (await harness.api("GET", "/v1/audit?limit=200")).body.entries as { action: string; target: string; actor: { username: string } | null; address: string }[];
    const seen = (action: string, target: string) => global.some((entry) => entry.action === action && entry.target === target);
    expect(seen("user.created", "alice")).toBe(true);
    expect(seen("login.succeeded", "alice")).toBe(true);
    expect(seen("login.failed", "alice")).toBe(true);
    expect(global.find((entry) => entry.action === "login.failed")!.address).toMatch(/127\.0\.0\.1/);
    expect(global.some((entry) => entry.action === "api-key.created" && entry.actor?.username === "alice")).toBe(true);

    const projectLog = (await alice.api("GET", `/v1/audit?projectId=${projectA}`)).body.entries as { action: string; target: string }[];
    expect(projectLog.map((entry) => entry.action)).toEqual(expect.arrayContaining(["project.created", "membership.set"]));
    expect((await alice.api("GET", "/v1/audit")).status).toBe(403);
    expect((await bob.api("GET", `/v1/audit?projectId=${projectA}`)).status).toBe(403);
    expect((await bob.api("GET", `/v1/audit?projectId=${projectB}`)).status).toBe(404);
  });

  it("keeps the last admin of a project, and ends a deleted user's access at once", async () => {
    const aliceId = (await alice.api("GET", "/v1/me")).body.id;
    expect((await alice.api("PUT", `/v1/projects/${projectB}/members/${aliceId}`, { role: "member" })).status).toBe(409);
    expect((await alice.api("DELETE", `/v1/projects/${projectB}/members/${aliceId}`)).status).toBe(409);
    const token = await bob.authorization();
    expect((await harness.api("DELETE", `/v1/users/${bobId}`)).status).toBe(204);
    expect((await harness.api("GET", "/v1/me", undefined, { authorization: token })).status).toBe(401);
    expect((await alice.api("GET", `/v1/projects/${projectA}/members`)).body.members.map((member: { username: string }) => member.username)).toEqual(["alice"]);
  });
});
