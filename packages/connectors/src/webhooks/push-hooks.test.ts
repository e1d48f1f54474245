import { describe, expect, it } from "vitest";
import { pushOutcome } from "./push-hooks.js";
import type { VerifiedHook } from "./verified-hook.js";

const hook = (payload: unknown): VerifiedHook => ({ style: "github", event: "push", deliveryId: "d-1", payload });
const after = "a".repeat(40);

describe("what a push means for a source", () => {
  it("syncs a push to the source's branch, or to the default branch when the source names none", () => {
    expect(pushOutcome(hook({ ref: "refs/heads/main", after }), "main").action).toBe("sync");
    expect(pushOutcome(hook({ ref: "refs/heads/trunk", after, repository: { default_branch: "trunk" } }), "").action).toBe("sync");
    expect(pushOutcome(hook({ ref: "refs/heads/master", after, project: { default_branch: "master" } }), "").action).toBe("sync");
  });

  it("ignores other branches, tags and payloads it cannot read", () => {
    expect(pushOutcome(hook({ ref: "refs/heads/feature", after }), "main")).toMatchObject({ action: "ignore", reason: expect.stringContaining("refs/heads/feature") });
    expect(pushOutcome(hook({ ref: "refs/tags/v1", after, repository: { default_branch: "main" } }), "").action).toBe("ignore");
    expect(pushOutcome(hook({ ref: 42 }), "main").action).toBe("ignore");
    expect(pushOutcome(hook({ ref: "refs/heads/main", after }), "").action).toBe("ignore");
  });

  it("reports a deleted branch instead of applying it", () => {
    expect(pushOutcome(hook({ ref: "refs/heads/main", after: "0".repeat(40), deleted: true }), "main").action).toBe("report");
    expect(pushOutcome(hook({ ref: "refs/heads/main", after: "0".repeat(40) }), "main").action).toBe("report");
  });
});
