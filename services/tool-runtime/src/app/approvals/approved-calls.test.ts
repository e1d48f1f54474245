import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallPrincipal } from "@qamesh/authorization";
import { AppError } from "@qamesh/errors";
import type { ApprovalDecision, CallApproval } from "@qamesh/ports";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { temporaryDirectory } from "@qamesh/testkit";
import { approvedCalls, type ApprovedCalls } from "./approved-calls.js";

const owner: CallPrincipal = { kind: "user", userId: "u-owner", username: "owner", globalRole: "user", project: { id: "p1", role: "member" } };
const other: CallPrincipal = { ...owner, userId: "u-other", username: "other" };

/** The chat service's side, as tool-runtime sees it: approvals found only for their chat's owner. */
const approvals = new Map<string, ApprovalDecision>([
  ["a-approved", { tool: "order_status", decision: "approved", decidedBy: "u-owner", approvedArgumentsJson: JSON.stringify({ orderId: "A-17", fields: ["status"] }) }],
  ["a-denied", { tool: "order_status", decision: "denied", decidedBy: "u-owner", approvedArgumentsJson: "" }],
  ["a-pending", { tool: "order_status", decision: "pending", decidedBy: "", approvedArgumentsJson: "" }],
  ["a-other-decider", { tool: "order_status", decision: "approved", decidedBy: "u-other", approvedArgumentsJson: JSON.stringify({ orderId: "A-17" }) }],
]);
const approval = (approvalId: string): CallApproval => ({ chatId: "c1", messageId: "c1-00002", approvalId });

describe("calls under an ask policy", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let store: SqliteDocumentStore;
  let calls: ApprovedCalls;
  const lookedUpAs: string[] = [];

  beforeAll(async () => {
    directory = await temporaryDirectory("approved-calls");
    store = SqliteDocumentStore.open(join(directory.path, "tool-runtime.sqlite"));
    calls = approvedCalls(
      {
        async decision(projectId, { approvalId }) {
          lookedUpAs.push(projectId);
          const found = approvals.get(approvalId);
          if (!found) throw new AppError("not_found", `approval ${approvalId} not found`);
          return found;
        },
      },
      store,
    );
  });

  afterAll(async () => {
    await store.close();
    await directory.remove();
  });

  const refusal = (promise: Promise<unknown>) => promise.then(() => "ran", (error: AppError) => `${error.code}: ${error.message}`);

  it("run once with an approval of exactly that call (keys in any order), then never again", async () => {
    await calls.redeem(owner, "p1", "order_status", { fields: ["status"], orderId: "A-17" }, approval("a-approved"));
    expect(lookedUpAs).toEqual(["p1"]);
    expect(await refusal(calls.redeem(owner, "p1", "order_status", { orderId: "A-17", fields: ["status"] }, approval("a-approved")))).toMatch(/^permission_denied: .*used already/);
  });

  it("do not run without an approval, or with one that is not an approval of this call by this user", async () => {
    expect(await refusal(calls.redeem(owner, "p1", "order_status", { orderId: "A-17" }, undefined))).toMatch(/^failed_precondition: .*needs the chat owner's approval/);
    expect(await refusal(calls.redeem(owner, "p1", "order_status", {}, approval("a-denied")))).toMatch(/^permission_denied: .*is denied/);
    expect(await refusal(calls.redeem(owner, "p1", "order_status", {}, approval("a-pending")))).toMatch(/^permission_denied: .*is pending/);
    expect(await refusal(calls.redeem(owner, "p1", "order_status", { orderId: "A-17" }, approval("a-other-decider")))).toMatch(/^permission_denied: .*does not cover/);
    expect(await refusal(calls.redeem(owner, "p1", "order_status", { orderId: "Z-1" }, approval("a-other-decider")))).toMatch(/^permission_denied/);
    expect(await refusal(calls.redeem(owner, "p1", "refund_order", { orderId: "A-17" }, approval("a-other-decider")))).toMatch(/^permission_denied: .*does not cover/);
    expect(await refusal(calls.redeem(owner, "p1", "order_status", {}, approval("a-missing")))).toMatch(/^permission_denied: .*not one of your chat's approvals/);
    expect(await refusal(calls.redeem({ kind: "service", service: "ingestion" }, "p1", "order_status", {}, approval("a-approved")))).toMatch(/^permission_denied: .*only a chat's owner/);
  });

  it("are covered by an approval only for the arguments approved", async () => {
    approvals.set("a-fresh", { tool: "order_status", decision: "approved", decidedBy: "u-other", approvedArgumentsJson: JSON.stringify({ orderId: "B-2" }) });
    expect(await refusal(calls.redeem(other, "p1", "order_status", { orderId: "A-17" }, approval("a-fresh")))).toMatch(/does not cover/);
    // A refused attempt does not use the approval up.
    expect(await refusal(calls.redeem(other, "p1", "order_status", { orderId: "B-2" }, approval("a-fresh")))).toBe("ran");
  });
});
