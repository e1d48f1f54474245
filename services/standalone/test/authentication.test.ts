import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createLogger } from "@qamesh/logger";
import { capturedStdout, testRootPassword, temporaryDirectory } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ephemeralStandaloneEnvironment, rootPasswordFile, startStandalone } from "../src/index.js";
import { startHarness, type Harness } from "./standalone-harness.js";

describe("authentication at the gateway", () => {
  let harness: Harness;
  const raw = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    harness.api(method, path, body, { authorization: "", ...headers });
  const login = async (password = testRootPassword) => raw("POST", "/v1/auth/login", { username: "root", password });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("leaves health, readiness and the API description open, and asks for a credential everywhere else", async () => {
    expect((await raw("GET", "/health")).status).toBe(200);
    expect((await raw("GET", "/ready")).status).toBe(200);
    expect((await raw("GET", "/openapi.json")).status).toBe(200);
    const response = await fetch(`${harness.gatewayUrl}/v1/projects`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await raw("POST", "/v1/projects", { name: "x" }, { authorization: "Bearer not-a-token" })).status).toBe(401);
  });

  it("answers an unknown user and a wrong password alike, and refuses an empty password", async () => {
    const wrong = await login("wrong-password-123");
    const unknown = await raw("POST", "/v1/auth/login", { username: "nobody", password: testRootPassword });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect((await login("")).status).toBe(401);
  });

  it("logs in with an access token and a refresh token, the latter also as a strict httpOnly cookie", async () => {
    const response = await fetch(`${harness.gatewayUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "root", password: testRootPassword }) });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { accessToken: string; tokenType: string; expiresIn: number; refreshToken: string };
    expect(tokens).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toContain(`qamesh_refresh=${encodeURIComponent(tokens.refreshToken)}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/v1\/auth/);
    expect((await raw("GET", "/v1/projects", undefined, bearer(tokens.accessToken))).status).toBe(200);
  });

  it("rotates refresh tokens; a rotated one presented again revokes the login, newest access token included", async () => {
    const first = (await login()).body;
    const second = (await raw("POST", "/v1/auth/refresh", { refreshToken: first.refreshToken })).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await raw("GET", "/v1/projects", undefined, bearer(second.accessToken))).status).toBe(200);

    const replayed = await raw("POST", "/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(replayed.status).toBe(401);
    expect((await raw("GET", "/v1/projects", undefined, bearer(second.accessToken))).status).toBe(401);
    expect((await raw("POST", "/v1/auth/refresh", { refreshToken: second.refreshToken })).status).toBe(401);
    const audit = await harness.api("GET", "/v1/audit");
    expect(audit.body.entries.some((entry: { action: string; target: string }) => entry.action === "login.revoked" && entry.target === "root")).toBe(true);
  });

  it("lets exactly one of two concurrent refreshes of one token win", async () => {
    const { refreshToken } = (await login()).body;
    const results = await Promise.all([1, 2, 3].map(() => raw("POST", "/v1/auth/refresh", { refreshToken })));
    expect(results.map((result) => result.status).sort()).toEqual([200, 401, 401]);
  });

  it("ends a login at logout: its access token and refresh token stop working", async () => {
    const tokens = (await login()).body;
    expect((await raw("POST", "/v1/auth/logout", { refreshToken: tokens.refreshToken })).status).toBe(204);
    expect((await raw("GET", "/v1/projects", undefined, bearer(tokens.accessToken))).status).toBe(401);
    expect((await raw("POST", "/v1/auth/refresh", { refreshToken: tokens.refreshToken })).status).toBe(401);
    // A client holding only its access token can log out too.
    const other = (await login()).body;
    expect((await raw("POST", "/v1/auth/logout", {}, bearer(other.accessToken))).status).toBe(204);
    expect((await raw("POST", "/v1/auth/refresh", { refreshToken: other.refreshToken })).status).toBe(401);
  });

  it("ends every login of a user whose password is changed, and keeps the last global admin", async () => {
    const username = "erin";
    const created = await harness.api("POST", "/v1/users", { username, password: "erins-first-password" });
    const loginAs = (password: string) => raw("POST", "/v1/auth/login", { username, password });
    const [laptop, phone] = [(await loginAs("erins-first-password")).body, (await loginAs("erins-first-password")).body];
    expect((await raw("PATCH", `/v1/users/${created.body.id}`, { password: "erins-second-password" }, bearer((await login()).body.accessToken))).status).toBe(200);
    for (const tokens of [laptop, phone]) {
      expect((await raw("GET", "/v1/me", undefined, bearer(tokens.accessToken))).status).toBe(401);
      expect((await raw("POST", "/v1/auth/refresh", { refreshToken: tokens.refreshToken })).status).toBe(401);
    }
    expect((await loginAs("erins-second-password")).status).toBe(200);

    const rootId = (await harness.api("GET", "/v1/me")).body.id;
    expect((await harness.api("PATCH", `/v1/users/${rootId}`, { globalRole: "user" })).status).toBe(409);
    expect((await harness.api("DELETE", `/v1/users/${rootId}`)).status).toBe(409);
    // With another admin, root may go.
    expect((await harness.api("PATCH", `/v1/users/${created.body.id}`, { globalRole: "admin" })).status).toBe(200);
    expect((await harness.api("PATCH", `/v1/users/${rootId}`, { globalRole: "user" })).status).toBe(200);
    expect((await harness.api("PATCH", `/v1/users/${rootId}`, { globalRole: "admin" }, bearer((await loginAs("erins-second-password")).body.accessToken))).status).toBe(200);
  });

  it("creates API keys shown once, usable as a bearer credential until deleted", async () => {
    const created = await harness.api("POST", "/v1/api-keys", { name: "ci" });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^qm_/);
    expect((await raw("GET", "/v1/projects", undefined, bearer(created.body.key))).status).toBe(200);
    const listed = await harness.api("GET", "/v1/api-keys");
    expect(listed.body.apiKeys.map((key: { id: string }) => key.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await harness.api("DELETE", `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await raw("GET", "/v1/projects", undefined, bearer(created.body.key))).status).toBe(401);
    expect((await harness.api("POST", "/v1/api-keys", { name: "old", expiresAt: "2001-01-01T00:00:00Z" })).status).toBe(400);
  });

  it("stores no password, refresh token or API key in the clear", async () => {
    const tokens = (await login()).body;
    const key = (await harness.api("POST", "/v1/api-keys", { name: "dump" })).body.key as string;
    const dump = (await readFile(join(harness.root, "data", "gateway.sqlite"))).toString("latin1");
    for (const secret of [testRootPassword, tokens.refreshToken, key, key.split("_")[2]!]) expect(dump).not.toContain(secret);
  });
});

describe("the first administrator", () => {
  it("gets a generated password on a fresh standalone without QAMESH_ROOT_PASSWORD, kept 0600 and never reset", async () => {
    const directory = await temporaryDirectory("root");
    const { QAMESH_ROOT_PASSWORD: _given, ...env } = ephemeralStandaloneEnvironment(directory.path);
    const logger = createLogger({ service: "test", level: "silent" });
    let running = undefined as Awaited<ReturnType<typeof startStandalone>> | undefined;
    const printed = await capturedStdout(async () => {
      running = await startStandalone(env, logger);
    });
    try {
      const file = rootPasswordFile(join(directory.path, "data"));
      const password = (await readFile(file, "utf8")).trim();
      expect(printed).toContain(password);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      await running!.stop();
      running = await startStandalone(env, logger);
      const login = await fetch(`${running.gatewayUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "root", password }) });
      expect(login.status).toBe(200);
      expect((await readFile(file, "utf8")).trim()).toBe(password);
    } finally {
      await running?.stop();
      await directory.remove();
    }
  });
});

describe("HTTP hygiene", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ CORS_ORIGINS: "https://app.example.com" });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const preflight = (origin: string) =>
    fetch(`${harness.gatewayUrl}/v1/projects`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });

  it("lets only the configured origins call from a browser", async () => {
    const allowed = await preflight("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends the usual protective headers and no framework banner", async () => {
    const response = await fetch(`${harness.gatewayUrl}/health`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });
});
