import { setTimeout as sleep } from "node:timers/promises";

/** root's password in every test mesh (QAMESH_ROOT_PASSWORD). */
export const testRootPassword = "test-root-password-0123";

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON loosely, as a client would */
export interface GatewayClient {
  /**
   * A call as the client's user (root unless told otherwise): it logs in on first use and sends
   * `Authorization: Bearer <access token>`, unless `headers` carry their own `authorization`.
   */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Polls a run until it has finished, either way. */
  waitForRun(projectId: string, runId: string, timeoutMs?: number): Promise<any>;
  /** The Authorization header value the client sends, for requests made by hand. */
  authorization(): Promise<string>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The public HTTP API as a test (or the bench, or the demo) drives it; `baseUrl` is read per
 * call, so a restarted mesh is followed, and a token the restart made stale is renewed once.
 */
export function gatewayClient(baseUrl: () => string, user: { username: string; password: string } = { username: "root", password: testRootPassword }): GatewayClient {
  let accessToken: Promise<string> | undefined;
  const login = async () => {
    const response = await fetch(`${baseUrl()}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
    if (response.status !== 200) throw new Error(`login as ${user.username} failed with ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };
  const send = async (method: string, path: string, body: unknown, headers: Record<string, string>, authorization: string | undefined) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}), ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    return { status: response.status, body: type.includes("json") && text ? JSON.parse(text) : text };
  };
  const client: GatewayClient = {
    async authorization() {
      accessToken ??= login();
      return `Bearer ${await accessToken.catch((error: unknown) => {
        accessToken = undefined;
        throw error;
      })}`;
    },
    async api(method, path, body, headers = {}) {
      const own = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
      const first = await send(method, path, body, headers, own ? undefined : await client.authorization());
      if (own || first.status !== 401) return first;
      accessToken = undefined;
      return send(method, path, body, headers, await client.authorization());
    },
    async waitForRun(projectId, runId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { status, body } = await client.api("GET", `/v1/projects/${projectId}/ingestions/${runId}`);
        if (status === 200 && (body.status === "succeeded" || body.status === "failed")) return body;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish in ${timeoutMs} ms: ${JSON.stringify(body)}`);
        await sleep(100);
      }
    },
  };
  return client;
}
