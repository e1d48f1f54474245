import type { CallContext, ServiceImplementation } from "@qamesh/grpc";
import type { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { AppError } from "@qamesh/errors";
import { callPrincipal } from "@qamesh/mesh-auth";
import { answerQuestion } from "../app/agent/answer-question.js";
import type { ChatDeps } from "../app/sessions/chat-deps.js";
import type { ApprovalUseCases } from "../app/sessions/approval-use-cases.js";
import type { ChatUseCases } from "../app/sessions/chat-use-cases.js";
import type { MessageUseCases } from "../app/sessions/message-use-cases.js";
import { answerEventMessage, approvalMessage, askEventMessage, chatMessage, messageMessage } from "./chat-messages.js";

/**
 * What a use case needs of the call: who it is for, and the signal. The request id, credential
 * and deadline follow its outgoing calls on their own.
 */
const callOptions = (context: CallContext) => ({ signal: context.signal });

export interface ChatHandlerDeps {
  /** What the one-shot answers need: the agent's deps, and the chats' (a call waiting for approval is handed to a chat). */
  agent: ChatDeps;
  approvals: ApprovalUseCases;
  chats: ChatUseCases;
  messages: MessageUseCases;
}

export function chatHandlers({ agent, approvals, chats, messages }: ChatHandlerDeps): ServiceImplementation<typeof ChatService> {
  return {
    async ask(request, context) {
      for await (const event of answerQuestion(agent, callPrincipal(context.values), request, callOptions(context))) {
        const message = askEventMessage(event);
        if (message?.event?.case === "done") return message.event.value;
      }
      throw new AppError("internal", "the answer ended without a result");
    },
    async *askStream(request, context) {
      for await (const event of answerQuestion(agent, callPrincipal(context.values), request, callOptions(context))) {
        const message = askEventMessage(event);
        if (message) yield message;
      }
    },
    async createChat(request, context) {
      return chatMessage(await chats.create(callPrincipal(context.values), request));
    },
    async listChats(request, context) {
      const page = await chats.list(callPrincipal(context.values), request.projectId, { size: request.page?.pageSize ?? 0, token: request.page?.pageToken ?? "" });
      return { chats: page.items.map(chatMessage), nextPageToken: page.nextToken };
    },
    async getChat(request, context) {
      const { chat, messages: latest, earlier } = await chats.get(callPrincipal(context.values), request);
      return { chat: chatMessage(chat), messages: latest.map(messageMessage), earlierMessages: earlier };
    },
    async listMessages(request, context) {
      const page = await chats.messages(callPrincipal(context.values), request, { size: request.page?.pageSize ?? 0, token: request.page?.pageToken ?? "" });
      return { messages: page.items.map(messageMessage), nextPageToken: page.nextToken };
    },
    async updateChat(request, context) {
      return chatMessage(await chats.rename(callPrincipal(context.values), request));
    },
    async deleteChat(request, context) {
      await chats.delete(callPrincipal(context.values), request);
      return {};
    },
    async sendMessage(request, context) {
      const sent = await messages.send(callPrincipal(context.values), request, callOptions(context));
      return { userMessage: messageMessage(sent.userMessage), assistantMessage: messageMessage(sent.answer), eventsAfter: sent.eventsAfter };
    },
    async getMessage(request, context) {
      return messageMessage(await messages.get(callPrincipal(context.values), request));
    },
    async *followAnswer(request, context) {
      for await (const event of messages.follow(callPrincipal(context.values), request, context.signal)) yield answerEventMessage(event);
    },
    async stopAnswer(request, context) {
      return messageMessage(await messages.stop(callPrincipal(context.values), request));
    },
    async regenerate(request, context) {
      return messageMessage(await messages.regenerate(callPrincipal(context.values), request, callOptions(context)));
    },
    async decideApproval(request, context) {
      const decided = await approvals.decide(callPrincipal(context.values), request, callOptions(context));
      return { message: messageMessage(decided.answer), eventsAfter: decided.eventsAfter };
    },
    async setChatToolPolicies(request, context) {
      return chatMessage(await chats.setToolPolicies(callPrincipal(context.values), request));
    },
    async getApproval(request, context) {
      return approvalMessage(await approvals.get(callPrincipal(context.values), request));
    },
  };
}
