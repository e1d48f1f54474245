import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedOnly } from "@qamesh/testkit";
import { startDistributedHarness, type DistributedHarness } from "./distributed-harness.js";

describe.skipIf(embeddedOnly)("rate limits shared by gateway replicas (MongoDB)", () => {
  let harness: DistributedHarness;
  let replica: string;

  beforeAll(async () => {
    harness = await startDistributedHarness({ env: { RATE_LIMIT_LOGINS_PER_USERNAME: "3" } });
    replica = await harness.mesh.startGatewayReplica();
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it("counts login attempts at either gateway against one limit", async () => {
    const attempt = async (url: string) => {
      const response = await fetch(`${url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "mallory", password: "a-guessed-password" }),
      });
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    };
    const statuses = [];
    for (const url of [harness.gatewayUrl, replica, harness.gatewayUrl]) statuses.push((await attempt(url)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const fourth = await attempt(replica);
    expect(fourth.status).toBe(429);
    expect(Number(fourth.retryAfter)).toBeGreaterThan(0);
  });
});
