import { createGrpcClient } from "@qamesh/grpc";
import type { ApprovalDecision, CallApprovals } from "@qamesh/ports";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";

const decisions = new Set<string>(["pending", "approved", "denied", "expired"]);

/** CallApprovals served by the chat service at `address`. */
export function callApprovalsClient(address: string): CallApprovals & { close(): void } {
  const client = createGrpcClient(ChatService, address, { peer: "chat" });
  return {
    async decision(projectId, approval, options) {
      const found = await client.getApproval({ projectId, ...approval }, options?.signal ? { signal: options.signal } : {});
      // A decision this client does not know counts as none.
      const decision = (decisions.has(found.decision) ? found.decision : "pending") as ApprovalDecision["decision"];
      return { tool: found.tool, decision, decidedBy: found.decidedBy, approvedArgumentsJson: found.approvedArgumentsJson };
    },
    close: () => client.close(),
  };
}
