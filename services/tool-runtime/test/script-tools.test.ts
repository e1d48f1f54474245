import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallPrincipal } from "@qamesh/authorization";
import { customToolDefinition, type CodeToolDefinition } from "@qamesh/custom-tools";
import { SecretBox } from "@qamesh/secrets";
import { OutboundPolicy } from "@qamesh/source-safety";
import { startConnectionCounter, type ConnectionCounter } from "@qamesh/testkit";
import { CodeSandbox } from "../src/app/code/code-sandbox.js";
import { customTool } from "../src/app/custom/custom-tool.js";

const projectId = "p1";
const member: CallPrincipal = { kind: "user", userId: "u1", username: "mia", globalRole: "user", project: { id: projectId, role: "member" } };

/**
 * A script tool as a project admin would define it (through the API's own schema), with the
 * default deadline (2 s: a busy machine running the suite in parallel must not fail a quick
 * script) unless a test is about deadlines.
 */
function script(source: string, code: Partial<CodeToolDefinition["code"]> = {}): CodeToolDefinition {
  return customToolDefinition.parse({ name: "script", description: "A script.", inputSchema: { type: "object" }, kind: "code", code: { source, ...code }, policy: "allow" }) as CodeToolDefinition;
}

/**
 * Scripts run in QuickJS (WebAssembly) in worker threads the service can kill. The server's own
 * network is 127.0.0.1 here, where a listener counts every connection; 127.0.0.2 is the one
 * network the deployment opens.
 */
describe("code tools: admins' scripts in a sandbox", () => {
  const sandbox = new CodeSandbox();
  const policy = new OutboundPolicy(["127.0.0.2/32"]);
  const secrets = new SecretBox([{ id: "k1", key: randomBytes(32) }]);
  let victim: ConnectionCounter;
  let allowed: HttpServer;
  let allowedBase = "";

  const run = async (definition: CodeToolDefinition, args: Record<string, unknown> = {}) =>
    (await customTool({ id: "t-1", projectId, definition, sealedHeaders: {}, createdAt: "", updatedAt: "" }, { sandbox, secrets, outboundPolicy: policy, allowedHosts: async () => [] }).run(member, projectId, args)).result as Record<string, unknown>;

  beforeAll(async () => {
    victim = await startConnectionCounter();
    allowed = createHttpServer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end('{"rate":1.08}'));
    await new Promise<void>((resolve) => allowed.listen(0, "127.0.0.2", resolve));
    allowedBase = `http://127.0.0.2:${(allowed.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await sandbox.close();
    allowed.closeAllConnections();
    await Promise.all([victim.close(), new Promise((resolve) => allowed.close(resolve))]);
  });

  it("runs a script with its arguments and returns what it returns", async () => {
    expect(await run(script("return { total: args.items.reduce((sum, item) => sum + item, 0) };"), { items: [1, 2, 3] })).toEqual({ total: 6 });
  });

  it("stops an endless loop at the deadline, and the next call still works", async () => {
    const started = Date.now();
    expect(await run(script("while (true) {}", { timeoutMs: 300 }))).toEqual({ error: "the script ran past its deadline" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await run(script("return 'alive';"))).toBe("alive");
  });

  it("fails a script that eats memory past its limit, and the next call still works", async () => {
    expect(await run(script("const objects = []; for (;;) objects.push({ n: objects.length });", { memoryMb: 8, timeoutMs: 5_000 }))).toEqual({ error: "the script ran out of memory" });
    expect(await run(script("return 1 + 1;"))).toBe(2);
    // Huge strings keep QuickJS in native code past the deadline: the thread is killed instead.
    expect(await run(script("const parts = []; while (true) parts.push('x'.repeat(1 << 20));", { memoryMb: 8, timeoutMs: 500 }))).toEqual({ error: "the script ran past its deadline" });
    expect(await run(script("return 2 + 2;"))).toBe(4);
  });

  it("gives scripts no host objects: no process, require, module loading or Node globals by any route", async () => {
    const probes = [
      "return this.constructor.constructor('return process')();",
      "return Function('return this')().process.env;",
      "return require('fs');",
      "return globalThis.process.mainModule;",
      "return (await import('fs')).readFileSync('/etc/passwd', 'utf8');",
      "return [].constructor.constructor('return globalThis')().Buffer.from('x');",
    ];
    for (const source of probes) {
      const result = await run(script(source));
      expect(result, source).toMatchObject({ error: expect.stringMatching(/^the script failed: (ReferenceError|TypeError|SyntaxError|Error)/) });
    }
    expect(await run(script("return [typeof process, typeof require, typeof Buffer, typeof setTimeout, typeof globalThis.fetch];"))).toEqual(["undefined", "undefined", "undefined", "undefined", "function"]);
  });

  it("fetches through the guarded client: allowed hosts answer, internal addresses are never reached", async () => {
    expect(await run(script(`const response = await fetch("${allowedBase}/rates"); return { status: response.status, rate: JSON.parse(response.text).rate };`))).toEqual({ status: 200, rate: 1.08 });
    for (const url of [`http://127.0.0.1:${victim.port}/`, `http://2130706433:${victim.port}/`, `http://[::ffff:7f00:1]:${victim.port}/`, `http://localhost:${victim.port}/`, `http://169.254.169.254:${victim.port}/`]) {
      expect(await run(script(`await fetch("${url}"); return "reached";`)), url).toMatchObject({ error: expect.stringContaining("internal address") });
    }
    expect(victim.connections()).toBe(0);
  });

  it("checks arguments against the tool's schema before running anything", async () => {
    const typed = customToolDefinition.parse({ name: "typed", description: "Typed.", inputSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] }, kind: "code", code: { source: "return args.n * 2;" }, policy: "allow" }) as CodeToolDefinition;
    expect(await run(typed, { n: 21 })).toBe(42);
    await expect(run(typed, { n: "21" })).rejects.toMatchObject({ field: "arguments.n" });
  });
});
