import type { CallPrincipal } from "@qamesh/authorization";
import { failedPrecondition, permissionDenied, toAppError } from "@qamesh/errors";
import type { CallApproval, CallApprovals, DocumentStore, StoredDocument } from "@qamesh/ports";
import { canonicalJson } from "@qamesh/custom-tools";

/** An approval that let one call run; kept so it cannot let another. */
export interface UsedApprovalRecord extends StoredDocument {
  tool: string;
  usedBy: string;
  usedAt: string;
}

export const usedApprovalsCollection = "used_approvals";

/**
 * Calls under an `ask` policy run only with the chat owner's approval of exactly that call. The
 * caller says which approval; tool-runtime does not take its word: it looks the approval up
 * with the chat service as the calling user (so only the chat's owner's approvals are found),
 * checks it approves this tool with these arguments and was decided by this user, and uses it up.
 */
export function approvedCalls(approvals: CallApprovals, store: DocumentStore) {
  const used = store.collection<UsedApprovalRecord>(usedApprovalsCollection);
  return {
    async redeem(principal: CallPrincipal, projectId: string, tool: string, args: Record<string, unknown>, approval: CallApproval | undefined): Promise<void> {
      if (!approval) throw failedPrecondition(`the tool ${tool} needs the chat owner's approval for each call; in a chat, the agent asks for it`);
      if (principal.kind !== "user") throw permissionDenied(`only a chat's owner can approve calls of ${tool}`);
      const decided = await approvals.decision(projectId, approval).catch((error: unknown) => {
        if (toAppError(error).code === "not_found") throw permissionDenied(`approval ${approval.approvalId} is not one of your chat's approvals`);
        throw error;
      });
      if (decided.decision !== "approved") throw permissionDenied(`approval ${approval.approvalId} is ${decided.decision}, not approved`);
      if (decided.tool !== tool || decided.decidedBy !== principal.userId || !sameJson(decided.approvedArgumentsJson, args)) {
        throw permissionDenied(`approval ${approval.approvalId} does not cover this call of ${tool}`);
      }
      try {
        await used.insert({ id: approval.approvalId, projectId, tool, usedBy: principal.userId, usedAt: new Date().toISOString() });
      } catch (error) {
        if (toAppError(error).code === "already_exists") throw permissionDenied(`approval ${approval.approvalId} was used already; each approves one call`);
        throw error;
      }
    },
  };
}

export type ApprovedCalls = ReturnType<typeof approvedCalls>;

/** Whether approved arguments (JSON text) are these arguments, whatever the order of their keys. */
function sameJson(json: string, value: unknown): boolean {
  try {
    return canonicalJson(JSON.parse(json)) === canonicalJson(value);
  } catch {
    return false;
  }
}
