import { z } from "zod";
import type { VerifiedHook } from "../webhooks/verified-hook.js";
import type { WebhookOutcome } from "../webhooks/webhook-delivery.js";
import { gitlabDocumentKey, type GitLabKind } from "./gitlab-documents.js";

const withIid = z.looseObject({ iid: z.number().int().positive() });
const hookPayload = z.looseObject({
  object_attributes: z.looseObject({ iid: z.number().int().positive().optional(), noteable_type: z.string().optional() }).optional(),
  issue: withIid.optional(),
  merge_request: withIid.optional(),
});

/**
 * An issue, merge request or note event: that one document is read again, its notes with it.
 * Other events, and kinds the source does not read, are ignored.
 */
export function gitlabDocumentEvent(hook: VerifiedHook, include: { issues: boolean; mergeRequests: boolean }): WebhookOutcome {
  const base = { deliveryId: hook.deliveryId, event: hook.event };
  const parsed = hookPayload.safeParse(hook.payload);
  const payload = parsed.success ? parsed.data : {};
  let target: { kind: GitLabKind; iid: number } | undefined;
  if (hook.event === "Issue Hook" || hook.event === "Confidential Issue Hook") {
    if (payload.object_attributes?.iid) target = { kind: "issues", iid: payload.object_attributes.iid };
  } else if (hook.event === "Merge Request Hook") {
    if (payload.object_attributes?.iid) target = { kind: "merge_requests", iid: payload.object_attributes.iid };
  } else if (hook.event === "Note Hook" || hook.event === "Confidential Note Hook") {
    const on = payload.object_attributes?.noteable_type;
    if (on === "Issue" && payload.issue) target = { kind: "issues", iid: payload.issue.iid };
    if (on === "MergeRequest" && payload.merge_request) target = { kind: "merge_requests", iid: payload.merge_request.iid };
  } else {
    return { ...base, action: "ignore", reason: `${hook.event} events are not read` };
  }
  if (!target) return { ...base, action: "ignore", reason: "the payload names no issue or merge request" };
  if (target.kind === "issues" ? !include.issues : !include.mergeRequests) {
    return { ...base, action: "ignore", reason: `this source does not read ${target.kind === "issues" ? "issues" : "merge requests"}` };
  }
  const key = gitlabDocumentKey(target.kind, target.iid);
  return { ...base, action: "sync", reason: `${hook.event} on ${key}`, documents: [key] };
}
