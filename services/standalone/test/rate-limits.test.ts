import { testRootPassword } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

describe("rate limits", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      RATE_LIMIT_LOGINS_PER_USERNAME: "3",
      RATE_LIMIT_LOGINS_PER_ADDRESS: "7",
      RATE_LIMIT_REQUESTS_PER_MINUTE: "40",
      RATE_LIMIT_ANSWERS_PER_MINUTE: "2",
    });
    // The harness's own client logs in now, before the login tests use up this address.
    await harness.authorization();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const login = (username: string, password: string) => harness.api("POST", "/v1/auth/login", { username, password }, { authorization: "" });

  it("refuses the login attempt after the limit per username with 429 and Retry-After, right password or not", async () => {
    for (let i = 0; i < 3; i++) expect((await login("mallory", "guess-number-" + i)).status).toBe(401);
    const refused = await fetch(`${harness.gatewayUrl}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "Mallory", password: "guess-number-4" }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Other usernames still get their attempts, until the address runs out.
    expect((await login("trudy", "guess-1")).status).toBe(401);
    expect((await login("trudy", "guess-2")).status).toBe(401);
    expect((await login("root", testRootPassword)).status).toBe(200);
    expect((await login("root", testRootPassword)).status).toBe(429);
  });

  it("limits answers per project, and requests per principal", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Limits" })).body.id;
    const asks = [];
    for (let i = 0; i < 3; i++) asks.push((await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "anything?" })).status);
    expect(asks).toEqual([200, 200, 429]);
    let status = 200;
    for (let i = 0; i < 50 && status !== 429; i++) status = (await harness.api("GET", "/v1/projects")).status;
    expect(status).toBe(429);
  });
});
