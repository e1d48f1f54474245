import { z } from "zod";
import type { VerifiedHook } from "../webhooks/verified-hook.js";
import type { WebhookOutcome } from "../webhooks/webhook-delivery.js";
import { githubDocumentKey } from "./github-documents.js";

const numbered = z.looseObject({ number: z.number().int().positive() });
/** What the document events carry: the issue (also for comments on pull requests) or the pull request. */
const documentPayload = z.looseObject({ issue: numbered.optional(), pull_request: numbered.optional() });

const issueEvents = new Set(["issues", "issue_comment"]);
const pullRequestEvents = new Set(["pull_request", "pull_request_review_comment", "pull_request_review"]);

/**
 * An event about an issue or pull request: that one document is read again (its comments with
 * it). Other events, and kinds the source does not read, are ignored.
 */
export function githubDocumentEvent(hook: VerifiedHook, include: { issues: boolean; pullRequests: boolean }): WebhookOutcome {
  const base = { deliveryId: hook.deliveryId, event: hook.event };
  if (!issueEvents.has(hook.event) && !pullRequestEvents.has(hook.event)) return { ...base, action: "ignore", reason: `${hook.event} events are not read` };
  const parsed = documentPayload.safeParse(hook.payload);
  const item = parsed.success ? (parsed.data.pull_request ?? parsed.data.issue) : undefined;
  if (!item) return { ...base, action: "ignore", reason: "the payload names no issue or pull request" };
  // A comment on a pull request comes as issue_comment with `issue.pull_request` set.
  const isPullRequest = parsed.data!.pull_request !== undefined || (parsed.data!.issue as Record<string, unknown> | undefined)?.pull_request !== undefined;
  if (isPullRequest ? !include.pullRequests : !include.issues) {
    return { ...base, action: "ignore", reason: `this source does not read ${isPullRequest ? "pull requests" : "issues"}` };
  }
  const key = githubDocumentKey(item.number);
  return { ...base, action: "sync", reason: `${hook.event} on ${key}`, documents: [key] };
}
