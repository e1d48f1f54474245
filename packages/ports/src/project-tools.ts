import type { LlmTool } from "./llm.js";
import type { CallSignal } from "./project-models.js";
import type { PassageReference } from "./passage-reference.js";

/** Text a tool read from a project's sources, with where: what an answer can cite. */
export interface Passage {
  reference: PassageReference;
  text: string;
}

export interface ToolResult {
  /** The tool's own result, as JSON. */
  resultJson: string;
  passages: Passage[];
}

/** What a project's policy lets the agent do with a tool: run it, ask the chat's owner each time, or never. */
export type ToolPolicy = "allow" | "ask" | "deny";

/** A tool of a project's catalog: what the model is shown, and the policy its calls are under. */
export interface AgentTool extends LlmTool {
  policy: ToolPolicy;
  /** The name policy rules match (kind:name for a project's own tools). */
  qualifiedName: string;
}

/** The chat owner's approval of one call, which the tool-runtime checks with the chat service before it runs the call. */
export interface CallApproval {
  chatId: string;
  messageId: string;
  approvalId: string;
}

/** The tools a project's agent may call (the tool-runtime service in the mesh). */
export interface ProjectTools {
  list(projectId: string, options?: CallSignal): Promise<AgentTool[]>;
  /** Runs one call; a refused or failing call throws (its message is what the model is told). A call under an `ask` policy needs its approval. */
  invoke(projectId: string, name: string, argumentsJson: string, options?: CallSignal & { approval?: CallApproval }): Promise<ToolResult>;
}

/** A decision on a call as the chat service keeps it: what the tool-runtime checks before it runs an approved call. */
export interface ApprovalDecision {
  tool: string;
  decision: "pending" | "approved" | "denied" | "expired";
  /** The user who decided. */
  decidedBy: string;
  /** The arguments approved ("" unless approved). */
  approvedArgumentsJson: string;
}

/** The chat service's approvals, looked up as the calling user (only the chat's owner sees them). */
export interface CallApprovals {
  decision(projectId: string, approval: CallApproval, options?: CallSignal): Promise<ApprovalDecision>;
}
