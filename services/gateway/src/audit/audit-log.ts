import { randomBytes } from "node:crypto";
import type { Request } from "express";
import { toAppError } from "@qamesh/errors";
import { identityScope } from "@qamesh/identity";
import type { Logger } from "@qamesh/logger";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import type { DocumentStore, StoredDocument } from "@qamesh/ports";

export type AuditAction =
  | "login.succeeded"
  | "login.failed"
  | "login.revoked"
  | "logout"
  | "api-key.created"
  | "api-key.deleted"
  | "user.created"
  | "user.updated"
  | "user.deleted"
  | "membership.set"
  | "membership.removed"
  | "project.created"
  | "project.deleted"
  | "source.created"
  | "source.updated"
  | "source.deleted"
  | "tool.created"
  | "tool.updated"
  | "tool.deleted"
  | "tool-settings.updated"
  | "mcp-tool.approved"
  | "profile.created"
  | "profile.updated"
  | "profile.deleted"
  | "model-settings.updated"
  | "chat-tool-policies.updated"
  | "tool.called"
  | "approval.decided";

/** A call the agent made to a tool, or a decision on one, as the chat service reported it. */
export interface ToolCallEntry {
  /** Empty for a one-shot answer. */
  chatId: string;
  tool: string;
  argumentsSha256: string;
  decision: "allowed" | "approved" | "denied" | "expired";
  /** A user id for an approval or denial, "project policy" or "chat rules" for a rule's deny. */
  decidedBy: string;
  approvalId: string;
  durationMs: number;
  outcome: "succeeded" | "failed" | "not run";
  error: string;
}

/**
 * Who did what, when, from where. A record of the project it concerns, or of the identity scope
 * for logins, users and keys. Only ever inserted: nothing in qamesh updates or deletes one.
 */
export interface AuditRecord extends StoredDocument {
  time: string;
  actor: { userId: string; username: string } | null;
  action: AuditAction;
  /** What it was done to: a username, a key id, a source id... */
  target: string;
  address: string;
  requestId: string;
  detail: string;
  /** For tool.called and approval.decided. */
  toolCall?: ToolCallEntry;
}

/** An entry a service reports over the bus (`audit.entries`): what happened, for whom, in which project. */
export type ReportedEntry = Pick<AuditRecord, "projectId" | "time" | "actor" | "action" | "target" | "detail" | "requestId" | "toolCall">;

const collection = "audit_log";

/** The append-only audit trail of the gateway. */
export class AuditLog {
  constructor(
    private readonly store: DocumentStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Appends an entry about `request`. A failure to write is logged, not thrown: the action it
   * describes has already happened and must not be reported as failed.
   */
  async record(request: Request, entry: { action: AuditAction; projectId?: string | undefined; target: string; detail?: string; actor?: AuditRecord["actor"] }): Promise<void> {
    const time = new Date().toISOString();
    const caller = request.caller as Request["caller"] | undefined;
    const record: AuditRecord = {
      // Time first, so ids sort in the order things happened.
      id: `${time}-${randomBytes(6).toString("hex")}`,
      projectId: entry.projectId ?? identityScope,
      time,
      actor: entry.actor !== undefined ? entry.actor : caller ? { userId: caller.principal.userId, username: caller.principal.username } : null,
      action: entry.action,
      target: entry.target,
      address: request.ip ?? "",
      requestId: request.requestId,
      detail: entry.detail ?? "",
    };
    await this.store
      .collection<AuditRecord>(collection)
      .insert(record)
      .catch((error: unknown) => this.logger.error({ err: error, action: entry.action }, "could not write the audit log"));
  }

  /**
   * Appends an entry another service reported, once: its id is made of its time and the event's
   * id, so a redelivered event finds its entry there already.
   */
  async report(eventId: string, entry: ReportedEntry): Promise<void> {
    try {
      await this.store.collection<AuditRecord>(collection).insert({ id: `${entry.time}-${eventId}`, address: "", ...entry });
    } catch (error) {
      if (toAppError(error).code !== "already_exists") throw error;
    }
  }

  /** Newest first: one project's entries, or (projectId undefined) logins, users and keys. */
  list(projectId: string | undefined, page: PageRequest): Promise<Page<AuditRecord>> {
    return findPage(this.store.collection<AuditRecord>(collection), { projectId: projectId ?? identityScope }, { field: "id", direction: "desc" }, page);
  }
}

export const auditIndexes = [{ collection, fields: ["projectId", "id"] }] as const;
