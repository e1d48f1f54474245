import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedFetch, guardedRequest, hostMatches, type GuardedRequestLimits } from "./guarded-http.js";
import { OutboundPolicy } from "./outbound-policy.js";

/**
 * The server's own network is 127.0.0.1 here: a listener there counts every connection that
 * reaches it. An "allowed" web server listens on 127.0.0.2, the one address the policy opens
 * (as a deployment would open an on-premise network).
 */
describe("a guarded request to an address a project admin or a script named", () => {
  let victim: Server;
  let victimPort = 0;
  let connections = 0;
  let allowed: HttpServer;
  let allowedBase = "";
  const seenHeaders: Record<string, string | undefined>[] = [];
  const answers = ["127.0.0.2"];
  /** A resolver the test controls: `rebind.test` answers with whatever comes next in `answers`. */
  const resolver = async (host: string) => {
    if (host === "rebind.test") return [answers.shift() ?? "127.0.0.1"];
    if (host === "allowed.test") return ["127.0.0.2"];
    if (host === "localhost") return ["127.0.0.1"];
    throw new Error(`no such host ${host}`);
  };
  const limits = (overrides: Partial<GuardedRequestLimits> = {}): GuardedRequestLimits => ({
    policy: new OutboundPolicy(["127.0.0.2/32"], resolver),
    allowedHosts: [],
    timeoutMs: 2_000,
    maxResponseBytes: 1_000,
    maxRedirects: 3,
    ...overrides,
  });
  const get = (url: string, overrides?: Partial<GuardedRequestLimits>) => guardedRequest({ method: "GET", url, headers: { authorization: "Bearer secret-token" } }, limits(overrides));

  beforeAll(async () => {
    victim = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => victim.listen(0, "127.0.0.1", resolve));
    victimPort = (victim.address() as AddressInfo).port;
    allowed = createHttpServer((request, response) => {
      seenHeaders.push({ path: request.url, authorization: request.headers.authorization });
      if (request.url === "/to-loopback") response.writeHead(302, { location: `http://127.0.0.1:${victimPort}/` }).end();
      else if (request.url === "/hop") response.writeHead(302, { location: "/data" }).end();
      else if (request.url === "/to-other-origin") response.writeHead(307, { location: `http://127.0.0.2:${(allowed.address() as AddressInfo).port}/elsewhere` }).end();
      else if (request.url === "/loop") response.writeHead(302, { location: "/loop" }).end();
      else if (request.url === "/big") response.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5_000));
      else if (request.url === "/slow") setTimeout(() => response.writeHead(200).end("late"), 5_000);
      else response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => allowed.listen(0, "127.0.0.2", resolve));
    allowedBase = `http://allowed.test:${(allowed.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    allowed.closeAllConnections();
    await Promise.all([new Promise((resolve) => victim.close(resolve)), new Promise((resolve) => allowed.close(resolve))]);
  });

  const internalForms = () => [
    `http://127.0.0.1:${victimPort}/`,
    `http://2130706433:${victimPort}/`,
    `http://0177.0.0.1:${victimPort}/`,
    `http://0x7f.1:${victimPort}/`,
    `http://127.1:${victimPort}/`,
    `http://[::1]:${victimPort}/`,
    `http://[::ffff:127.0.0.1]:${victimPort}/`,
    `http://[::ffff:7f00:1]:${victimPort}/`,
    `http://0.0.0.0:${victimPort}/`,
    `http://169.254.169.254:${victimPort}/latest/meta-data/`,
    `http://localhost:${victimPort}/`,
  ];

  it("refuses loopback, unspecified, link-local and metadata addresses in every notation, and names resolving to them, before connecting", async () => {
    for (const url of internalForms()) {
      await expect(get(url), url).rejects.toMatchObject({ reason: "refused-address" });
    }
    expect(connections).toBe(0);
  });

  it("re-checks every redirect: a 302 from an allowed host to loopback goes nowhere", async () => {
    await expect(get(`${allowedBase}/to-loopback`)).rejects.toMatchObject({ reason: "refused-address" });
    expect(connections).toBe(0);
  });

  it("connects to the address it checked: a name that answers an allowed address first and loopback next never reaches loopback", async () => {
    const port = victimPort;
    // First lookup: 127.0.0.2, allowed, where nothing listens on the victim's port.
    await expect(get(`http://rebind.test:${port}/`)).rejects.toMatchObject({ reason: "unreachable" });
    // Second lookup: loopback, refused.
    await expect(get(`http://rebind.test:${port}/`)).rejects.toMatchObject({ reason: "refused-address" });
    expect(connections).toBe(0);
  });

  it("fetches from an allowed host, following same-origin redirects, and keeps the request's headers off other origins", async () => {
    const answer = await get(`${allowedBase}/hop`);
    expect(answer).toMatchObject({ status: 200, contentType: "application/json", truncated: false, url: `${allowedBase}/data` });
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: true });
    expect(seenHeaders.filter((seen) => seen.path === "/data").at(-1)?.authorization).toBe("Bearer secret-token");
    seenHeaders.length = 0;
    expect((await get(`${allowedBase}/to-other-origin`)).status).toBe(200);
    expect(seenHeaders).toEqual([
      { path: "/to-other-origin", authorization: "Bearer secret-token" },
      { path: "/elsewhere", authorization: undefined },
    ]);
  });

  it("refuses other schemes, hosts off the project's allowlist, endless redirects; cuts big bodies and slow answers", async () => {
    await expect(get("file:///etc/passwd")).rejects.toMatchObject({ reason: "refused-scheme" });
    await expect(get(`${allowedBase}/data`, { allowedHosts: ["api.example.com"] })).rejects.toMatchObject({ reason: "refused-host" });
    expect((await get(`${allowedBase}/data`, { allowedHosts: ["*.test"] })).status).toBe(200);
    await expect(get(`${allowedBase}/loop`)).rejects.toMatchObject({ reason: "too-many-redirects" });
    expect(await get(`${allowedBase}/big`)).toMatchObject({ truncated: true, body: Buffer.from("x".repeat(1_000)) });
    await expect(get(`${allowedBase}/slow`, { timeoutMs: 200 })).rejects.toMatchObject({ reason: "timeout" });
  });

  it("as a fetch (for the MCP SDK's transport): the same refusals, redirects re-checked, answers streamed and cut at the cap", async () => {
    const fetch = guardedFetch(limits());
    for (const url of internalForms()) {
      await expect(fetch(url), url).rejects.toMatchObject({ reason: "refused-address" });
    }
    await expect(fetch(`${allowedBase}/to-loopback`, { method: "POST", body: "{}" })).rejects.toMatchObject({ reason: "refused-address" });
    expect(connections).toBe(0);
    const answer = await fetch(`${allowedBase}/hop`, { headers: { authorization: "Bearer secret-token" } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
    await expect((await fetch(`${allowedBase}/big`)).text()).rejects.toMatchObject({ reason: "unreachable", message: expect.stringContaining("longer than 1000 bytes") });
    const caller = new AbortController();
    const slow = fetch(`${allowedBase}/slow`, { signal: caller.signal });
    caller.abort();
    await expect(slow).rejects.toMatchObject({ reason: "timeout" });
  });

  it("matches host patterns exactly or by subdomain", () => {
    expect(hostMatches("api.example.com", "api.example.com")).toBe(true);
    expect(hostMatches("API.example.com", "api.example.com")).toBe(true);
    expect(hostMatches("a.example.com", "*.example.com")).toBe(true);
    expect(hostMatches("example.com", "*.example.com")).toBe(false);
    expect(hostMatches("evilexample.com", "*.example.com")).toBe(false);
    expect(hostMatches("api.example.com.evil.io", "api.example.com")).toBe(false);
  });
});
