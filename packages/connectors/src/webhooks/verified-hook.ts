import { Webhooks } from "@octokit/webhooks";
import { AppError, invalidArgument } from "@qamesh/errors";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { deliveryIdOf, type WebhookDelivery } from "./webhook-delivery.js";

/** The conventions of webhook senders: GitHub's (and Gitea's, Forgejo's), GitLab's, Atlassian's (Jira, Confluence Data Center). */
export type HookStyle = "github" | "gitlab" | "atlassian";

/** A delivery whose signature matched the source's secret: who sent it, which event, its id and its payload. */
export interface VerifiedHook {
  style: HookStyle;
  event: string;
  deliveryId: string;
  payload: unknown;
}

const unauthenticated = (message: string) => new AppError("unauthenticated", message);

/**
 * Authenticates a delivery by the convention its headers name, if the source accepts that one:
 * GitHub signs the body (`X-Hub-Signature-256`, HMAC-SHA256, checked by @octokit/webhooks in
 * constant time); GitLab sends the secret itself (`X-Gitlab-Token`, compared in constant time).
 * Anything else, or a signature that does not match, is refused before the body is read.
 */
export async function verifiedHook(delivery: WebhookDelivery, secret: string, accepted: readonly HookStyle[]): Promise<VerifiedHook> {
  const { headers } = delivery;
  if (headers["x-github-event"] !== undefined && accepted.includes("github")) {
    const signature = headers["x-hub-signature-256"];
    if (!signature) throw unauthenticated("the delivery has no X-Hub-Signature-256");
    if (!(await new Webhooks({ secret }).verify(delivery.body.toString("utf8"), signature))) {
      throw unauthenticated("the delivery's X-Hub-Signature-256 does not match the source's webhook secret");
    }
    return { style: "github", event: headers["x-github-event"], deliveryId: deliveryIdOf(delivery, "x-github-delivery"), payload: jsonOf(delivery) };
  }
  if (headers["x-gitlab-event"] !== undefined && accepted.includes("gitlab")) {
    const token = headers["x-gitlab-token"];
    if (!token) throw unauthenticated("the delivery has no X-Gitlab-Token");
    if (!sameSecret(token, secret)) throw unauthenticated("the delivery's X-Gitlab-Token does not match the source's webhook secret");
    return { style: "gitlab", event: headers["x-gitlab-event"], deliveryId: deliveryIdOf(delivery, "idempotency-key", "x-gitlab-event-uuid"), payload: jsonOf(delivery) };
  }
  if ((headers["x-atlassian-webhook-identifier"] !== undefined || headers["x-hub-signature"] !== undefined) && accepted.includes("atlassian")) {
    const signature = headers["x-hub-signature"];
    if (!signature) throw unauthenticated("the delivery has no X-Hub-Signature");
    if (!sameSecret(signature, `sha256=${createHmac("sha256", secret).update(delivery.body).digest("hex")}`)) {
      throw unauthenticated("the delivery's X-Hub-Signature does not match the source's webhook secret");
    }
    const payload = jsonOf(delivery);
    // Jira names the event in `webhookEvent`, Confluence Data Center in `event` (and both may send X-Event-Key).
    const named = payload as { webhookEvent?: unknown; event?: unknown } | null;
    const event = [named?.webhookEvent, named?.event, headers["x-event-key"]].find((candidate): candidate is string => typeof candidate === "string") ?? "";
    return { style: "atlassian", event, deliveryId: deliveryIdOf(delivery, "x-atlassian-webhook-identifier"), payload };
  }
  throw unauthenticated(`the delivery is not a signed webhook this source accepts (${accepted.map((style) => styleHeaders[style]).join(" or ")})`);
}

const styleHeaders: Record<HookStyle, string> = {
  github: "X-GitHub-Event with X-Hub-Signature-256",
  gitlab: "X-Gitlab-Event with X-Gitlab-Token",
  atlassian: "X-Hub-Signature with X-Atlassian-Webhook-Identifier",
};

/** Equal secrets, compared in time that does not depend on where they differ (digests make the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function jsonOf(delivery: WebhookDelivery): unknown {
  try {
    return JSON.parse(delivery.body.toString("utf8")) as unknown;
  } catch {
    throw invalidArgument("body", "the webhook's body must be JSON");
  }
}
