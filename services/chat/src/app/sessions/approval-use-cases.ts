import type { CallPrincipal } from "@qamesh/authorization";
import { failedPrecondition, invalidArgument, notFound, toAppError } from "@qamesh/errors";
import { argumentsDigest } from "@qamesh/custom-tools";
import type { CallSignal } from "@qamesh/ports";
import { resumeAfterDecision } from "../agent/agent-answer.js";
import { runAnswer } from "../answers/answer-runner.js";
import { expireIfUnanswered } from "../answers/unanswered-questions.js";
import type { ChatDeps } from "./chat-deps.js";
import { collections, type ApprovalRecord, type ChatRecord, type MessageRecord } from "./chat-records.js";
import { chatUser } from "./chat-use-cases.js";
import { chatAnswerInput, ownAnswerOf, type MessageInput } from "./message-use-cases.js";

/** Arguments a chat owner may write in place of the model's: as long as a model's may be. */
const maxArgumentChars = 8_000;

export type ApprovalInput = MessageInput & { approvalId: string };

/**
 * The chat owner's decisions on the tool calls an answer waits for. Only the owner of the chat
 * sees or decides them; a decision is taken once (the first to write its event wins), and the
 * answer goes on from it on this replica.
 */
export function approvalUseCases(deps: ChatDeps) {
  const messages = deps.store.collection<MessageRecord>(collections.messages);
  const chats = deps.store.collection<ChatRecord>(collections.chats);

  /** The approval and its answer, the answer given up first if it waited past the approval's time. */
  async function ownApproval(principal: CallPrincipal, input: ApprovalInput) {
    const user = chatUser(principal, input.projectId);
    if (!input.approvalId) throw invalidArgument("approvalId", "approvalId is required");
    const { chat, message: stored } = await ownAnswerOf(deps, user, input);
    const message = await expireIfUnanswered(deps, stored);
    const approval = (message.approvals ?? []).find((candidate) => candidate.id === input.approvalId);
    if (!approval) throw notFound(`approval ${input.approvalId} not found in answer ${message.id}`);
    return { user, chat, message, approval };
  }

  /** Edited arguments as the tool takes them, or a 400 naming `arguments`. */
  async function editedArguments(projectId: string, approval: ApprovalRecord, argumentsJson: string, call: CallSignal): Promise<string> {
    if (argumentsJson.length > maxArgumentChars) throw invalidArgument("arguments", `arguments must be at most ${maxArgumentChars} characters of JSON`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(argumentsJson);
    } catch {
      throw invalidArgument("arguments", "arguments must be a JSON object");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalidArgument("arguments", "arguments must be a JSON object");
    const tool = (await deps.tools.list(projectId, call)).find((candidate) => candidate.name === approval.tool);
    const problem = tool && deps.toolArguments.problem(tool, argumentsJson);
    if (problem) throw invalidArgument("arguments", `the arguments do not fit ${approval.tool}: ${problem}`);
    return JSON.stringify(parsed);
  }

  return {
    /** Approves (as asked, or with edited arguments) or denies the call the answer waits for; the answer goes on. */
    async decide(principal: CallPrincipal, input: ApprovalInput & { decision: string; argumentsJson: string }, call: CallSignal): Promise<{ answer: MessageRecord; eventsAfter: number }> {
      // Who asks comes first: someone outside the project learns nothing from the validation.
      chatUser(principal, input.projectId);
      if (input.decision !== "approve" && input.decision !== "deny") throw invalidArgument("decision", "decision must be approve or deny");
      if (input.decision === "deny" && input.argumentsJson) throw invalidArgument("arguments", "arguments are only taken with an approval");
      const { user, chat, message, approval } = await ownApproval(principal, input);
      if (approval.decision !== "pending" || message.status !== "awaiting_approval" || !message.agentState) {
        throw failedPrecondition(
          approval.decision === "expired"
            ? `approval ${approval.id} expired before anyone decided it, so the call did not run; ask again`
            : approval.decision === "pending"
              ? `answer ${message.id} no longer waits for approval ${approval.id} (it is ${message.status})`
              : `approval ${approval.id} was ${approval.decision} already`,
        );
      }
      const approvedArgumentsJson = input.decision === "deny" ? "" : input.argumentsJson ? await editedArguments(chat.projectId, approval, input.argumentsJson, call) : approval.argumentsJson;
      const decided: ApprovalRecord = {
        ...approval,
        decision: input.decision === "approve" ? "approved" : "denied",
        decidedBy: user.userId,
        decidedAt: new Date().toISOString(),
        approvedArgumentsJson,
      };
      const question = await messages.get(chat.projectId, message.replyTo);
      const answerOptions = await chatAnswerInput(deps, chat, user, question?.content ?? "", call);
      // The decision's event takes the answer's next number: a second decision at the same moment finds it taken.
      let afterSeq = await deps.log.lastSeq(chat.projectId, message.id);
      try {
        afterSeq = (await deps.log.appendOne(message, afterSeq, { type: "approval.decided", approval: decided })).seq;
      } catch (error) {
        if (toAppError(error).code === "already_exists") throw failedPrecondition(`approval ${approval.id} was decided at the same moment by another request`);
        throw error;
      }
      const resumed: MessageRecord = {
        ...message,
        status: "streaming",
        approvals: (message.approvals ?? []).map((candidate) => (candidate.id === decided.id ? decided : candidate)),
        leaseUntil: Date.now() + deps.answers.leaseMs,
      };
      await messages.put(resumed);
      await deps.audit.decided(chat.projectId, answerOptions.caller, {
        tool: approval.qualifiedName ?? approval.tool,
        argumentsJson: approvedArgumentsJson || approval.argumentsJson,
        approved: decided.decision === "approved",
        edited: approvedArgumentsJson !== "" && argumentsDigest(approvedArgumentsJson) !== argumentsDigest(approval.argumentsJson),
        approvalId: approval.id,
      });
      const paused = message.agentState;
      const approvalOfCall = { chatId: chat.id, messageId: message.id, approvalId: approval.id };
      runAnswer(deps, resumed, afterSeq, (signal) => resumeAfterDecision(deps, answerOptions, paused, decided, approvalOfCall, signal));
      await chats.put({ ...chat, updateTime: decided.decidedAt! });
      return { answer: resumed, eventsAfter: afterSeq - 1 };
    },

    /** One approval as its chat's owner sees it (what tool-runtime checks before running an approved call). */
    async get(principal: CallPrincipal, input: ApprovalInput): Promise<ApprovalRecord> {
      return (await ownApproval(principal, input)).approval;
    },
  };
}

export type ApprovalUseCases = ReturnType<typeof approvalUseCases>;
