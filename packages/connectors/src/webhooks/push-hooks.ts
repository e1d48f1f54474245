import { z } from "zod";
import type { VerifiedHook } from "./verified-hook.js";
import type { WebhookOutcome } from "./webhook-delivery.js";

const zeroCommit = /^0+$/;

/** What both GitHub's and GitLab's push payloads say of a push (GitLab names the default branch under `project`). */
const pushPayload = z.looseObject({
  ref: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: z.looseObject({ default_branch: z.string().optional() }).optional(),
  project: z.looseObject({ default_branch: z.string().optional() }).optional(),
});

/** Whether the hook is a push: GitHub's `push` event, GitLab's `Push Hook`. */
export const isPush = (hook: VerifiedHook) => (hook.style === "github" ? hook.event === "push" : hook.event === "Push Hook");

/**
 * What a push means for a source reading `branch` ("" for the repository's default branch):
 * a push to it brings the source up to date (what changed is diffed from what is indexed, not
 * taken from the payload, whose file lists are capped and say nothing of force pushes); a push
 * to another branch, or of a tag, is ignored; the branch's deletion is reported, not applied.
 */
export function pushOutcome(hook: VerifiedHook, branch: string): WebhookOutcome {
  const parsed = pushPayload.safeParse(hook.payload);
  const base = { deliveryId: hook.deliveryId, event: hook.event };
  if (!parsed.success) return { ...base, action: "ignore", reason: "the push payload has no ref or after" };
  const push = parsed.data;
  const watched = branch || push.repository?.default_branch || push.project?.default_branch;
  if (!watched) return { ...base, action: "ignore", reason: "the payload does not say which branch is the default one" };
  if (push.ref !== `refs/heads/${watched}`) return { ...base, action: "ignore", reason: `${push.ref} is not the source's branch ${watched}` };
  if (push.deleted === true || zeroCommit.test(push.after)) {
    return { ...base, action: "report", reason: `branch ${watched} was deleted upstream; its indexed content is kept until the source is changed or removed` };
  }
  return { ...base, action: "sync", reason: `push of ${push.after.slice(0, 12)} to ${watched}` };
}
