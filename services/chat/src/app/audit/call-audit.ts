import { argumentsDigest } from "@qamesh/custom-tools";
import { encodeEvent, topics } from "@qamesh/events";
import type { Logger } from "@qamesh/logger";
import { addToOutbox, newEventId } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";

/** Whom an answer's calls are made for, and where: the "who" and "chat" of their audit entries. */
export interface CallCaller {
  userId: string;
  username: string;
  /** Empty for a one-shot answer. */
  chatId: string;
}

/** One call of the agent's, settled: run (allowed or approved), denied, or expired undecided. */
export interface SettledCall {
  /** The tool's qualified name (what policies match). */
  tool: string;
  argumentsJson: string;
  decision: "allowed" | "approved" | "denied" | "expired";
  /** A user id for an approval or denial; "project policy" or "chat rules" for a rule's deny; "" otherwise. */
  decidedBy: string;
  approvalId: string;
  durationMs: number;
  outcome: "succeeded" | "failed" | "not run";
  error: string;
}

/**
 * The chat service's part of the project's audit log: every call the agent settles and every
 * decision on one becomes an `audit.entries` event, written to the outbox first (so a bus outage
 * loses none) and appended to the log by the gateway. A failure to write is logged, not thrown:
 * the call has happened, and the answer must not fail for its record.
 */
export class CallAudit {
  constructor(
    private readonly deps: {
      store: DocumentStore;
      logger: Logger;
      /** Called after each entry, for the relay to send it now. */
      onWritten: () => void;
      /** The id of the request the work is done for ("" for housekeeping, such as expiring approvals). */
      currentRequestId: () => string;
    },
  ) {}

  /** A call that ran, was refused, or waited for a decision past its time. */
  called(projectId: string, caller: CallCaller, call: SettledCall): Promise<void> {
    const detail = `${call.decision}${call.decidedBy ? ` by ${call.decidedBy}` : ""}, ${call.outcome}${call.error ? `: ${call.error}` : ""}`;
    return this.append(projectId, caller, { action: "tool.called", call, detail });
  }

  /** The chat owner's decision on a call an answer waits for. */
  decided(projectId: string, caller: CallCaller, decision: { tool: string; argumentsJson: string; approved: boolean; edited: boolean; approvalId: string }): Promise<void> {
    const call: SettledCall = {
      tool: decision.tool,
      argumentsJson: decision.argumentsJson,
      decision: decision.approved ? "approved" : "denied",
      decidedBy: caller.userId,
      approvalId: decision.approvalId,
      durationMs: 0,
      outcome: "not run",
      error: "",
    };
    const detail = decision.approved ? (decision.edited ? "approved with edited arguments" : "approved") : "denied";
    return this.append(projectId, caller, { action: "approval.decided", call, detail });
  }

  private async append(projectId: string, caller: CallCaller, entry: { action: string; call: SettledCall; detail: string }): Promise<void> {
    const { call } = entry;
    const event = encodeEvent(
      topics.auditEntries,
      {
        projectId,
        time: new Date().toISOString(),
        actorUserId: caller.userId,
        actorUsername: caller.username,
        action: entry.action,
        target: call.tool,
        detail: entry.detail,
        toolCall: {
          chatId: caller.chatId,
          tool: call.tool,
          argumentsSha256: argumentsDigest(call.argumentsJson),
          decision: call.decision,
          decidedBy: call.decidedBy,
          approvalId: call.approvalId,
          durationMs: BigInt(call.durationMs),
          outcome: call.outcome,
          error: call.error,
        },
      },
      { id: newEventId(), key: projectId, requestId: this.deps.currentRequestId() },
    );
    try {
      await addToOutbox(this.deps.store, projectId, event);
      this.deps.onWritten();
    } catch (error) {
      this.deps.logger.error({ err: error, action: entry.action, tool: call.tool }, "could not write an audit entry");
    }
  }
}
