import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** A webhook request as a sender would make it: headers and the exact body. */
export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

interface PublishedExamples {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);

/** GitHub's own example payloads (@octokit/webhooks-examples), for events whose shape tests must not invent. */
export function githubExample(event: string, matching: (payload: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  const published = require("@octokit/webhooks-examples/api.github.com/index.json") as PublishedExamples[];
  const example = published.find((entry) => entry.name === event)?.examples.find(matching);
  if (!example) throw new Error(`no published example of a GitHub ${event} event`);
  return structuredClone(example);
}

/** GitHub's published push example, moved to this branch and these commits. */
export function githubPush(change: { branch: string; before: string; after: string; forced?: boolean; deleted?: boolean }): Record<string, unknown> {
  const push = githubExample("push", (payload) => String(payload.ref).startsWith("refs/heads/"));
  const repository = push.repository as Record<string, unknown>;
  return {
    ...push,
    ref: `refs/heads/${change.branch}`,
    before: change.before,
    after: change.deleted ? "0".repeat(40) : change.after,
    forced: change.forced ?? false,
    deleted: change.deleted ?? false,
    created: false,
    repository: { ...repository, default_branch: "main" },
  };
}

/** GitLab's documented push hook example, moved to this branch and these commits. */
export function gitlabPush(change: { branch: string; before: string; after: string }): Record<string, unknown> {
  const example = JSON.parse(readFileSync(new URL("./webhook-payloads/gitlab-push-hook.json", import.meta.url), "utf8")) as Record<string, unknown>;
  return { ...example, ref: `refs/heads/${change.branch}`, before: change.before, after: change.after, checkout_sha: change.after };
}

/** A GitHub delivery signed as GitHub signs it: HMAC-SHA256 of the body with the secret. */
export function githubDelivery(secret: string | undefined, event: string, payload: unknown, deliveryId: string = randomUUID()): WebhookRequest {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json", "x-github-event": event, "x-github-delivery": deliveryId, "user-agent": "GitHub-Hookshot/test" };
  if (secret !== undefined) headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return { headers, body };
}

/** A GitLab delivery: the secret itself in X-Gitlab-Token, the delivery's id in Idempotency-Key. */
export function gitlabDelivery(token: string, event: string, payload: unknown, deliveryId: string = randomUUID()): WebhookRequest {
  return {
    headers: { "content-type": "application/json", "x-gitlab-event": event, "x-gitlab-token": token, "idempotency-key": deliveryId, "x-gitlab-event-uuid": randomUUID() },
    body: JSON.stringify(payload),
  };
}

/** GitLab's documented example of one of its hooks ("issue", "note"), to be adjusted by the test. */
export function gitlabExample(name: "issue" | "note"): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./webhook-payloads/gitlab-${name}-hook.json`, import.meta.url), "utf8")) as Record<string, unknown>;
}

/** Atlassian's documented example of a Jira webhook (comment_created), to be adjusted by the test. */
export function jiraExample(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL("./webhook-payloads/jira-comment-created.json", import.meta.url), "utf8")) as Record<string, unknown>;
}

/** A delivery as Jira (or Confluence Data Center) signs one: X-Hub-Signature with the body's HMAC-SHA256, and its identifier. */
export function atlassianDelivery(secret: string | undefined, payload: unknown, deliveryId: string = randomUUID()): WebhookRequest {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json", "x-atlassian-webhook-identifier": deliveryId, "user-agent": "Atlassian Webhook HTTP Client" };
  if (secret !== undefined) headers["x-hub-signature"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return { headers, body };
}
