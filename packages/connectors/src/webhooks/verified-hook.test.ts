import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifiedHook } from "./verified-hook.js";

const secret = "a-webhook-secret-of-some-length";
const body = Buffer.from(JSON.stringify({ event: "page_updated", page: { id: 7 } }));
const hmac = (key: string) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;

describe("authenticating a webhook delivery", () => {
  it("takes each sender's convention, and only the ones the source accepts", async () => {
    const github = await verifiedHook({ headers: { "x-github-event": "push", "x-github-delivery": "d-1", "x-hub-signature-256": hmac(secret) }, body }, secret, ["github"]);
    expect(github).toMatchObject({ style: "github", event: "push", deliveryId: "d-1" });
    const gitlab = await verifiedHook({ headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": secret, "idempotency-key": "k-1" }, body }, secret, ["gitlab"]);
    expect(gitlab).toMatchObject({ style: "gitlab", event: "Push Hook", deliveryId: "k-1" });
    const confluence = await verifiedHook({ headers: { "x-hub-signature": hmac(secret), "x-atlassian-webhook-identifier": "a-1" }, body }, secret, ["atlassian"]);
    expect(confluence).toMatchObject({ style: "atlassian", event: "page_updated", deliveryId: "a-1" });
    await expect(verifiedHook({ headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": secret }, body }, secret, ["github"])).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("refuses a wrong or missing signature or token, whatever the body says", async () => {
    for (const headers of [
      { "x-github-event": "push", "x-hub-signature-256": hmac("another-secret-entirely") },
      { "x-github-event": "push" },
      { "x-gitlab-event": "Push Hook", "x-gitlab-token": `${secret}x` },
      { "x-atlassian-webhook-identifier": "a-2", "x-hub-signature": hmac("another-secret-entirely") },
      {},
    ]) {
      await expect(verifiedHook({ headers, body }, secret, ["github", "gitlab", "atlassian"])).rejects.toMatchObject({ code: "unauthenticated" });
    }
  });

  it("names a delivery without an id by its body's hash, so a retry of it is the same delivery", async () => {
    const once = await verifiedHook({ headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": secret }, body }, secret, ["gitlab"]);
    const again = await verifiedHook({ headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": secret }, body }, secret, ["gitlab"]);
    expect(once.deliveryId).toMatch(/^sha256:/);
    expect(again.deliveryId).toBe(once.deliveryId);
  });
});
