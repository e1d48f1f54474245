import { authorizeProject, type CallPrincipal, type Principal } from "@qamesh/authorization";
import { chatToolRules } from "@qamesh/custom-tools";
import { AppError, invalidArgument, notFound, parseInput } from "@qamesh/errors";
import { z } from "zod";
import { checkText, textLimits } from "@qamesh/limits";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import type { ChatDeps } from "./chat-deps.js";
import { collections, type ChatRecord, type MessageRecord } from "./chat-records.js";
import { newChatRecord } from "./new-records.js";

/**
 * The user a chat call is for. Chats are private: only their owner reads or writes them, so
 * the principal must be a user allowed to chat in the project (a service never is).
 */
export function chatUser(principal: CallPrincipal, projectId: string): Principal {
  if (!projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(principal, projectId, "chat");
  if (principal.kind !== "user") throw new AppError("permission_denied", "chats belong to users");
  return principal;
}

/** The chat, if it exists and is the user's own; anyone else's is "not found", like a missing one. */
export async function ownChat(deps: ChatDeps, user: Principal, projectId: string, chatId: string): Promise<ChatRecord> {
  if (!chatId) throw invalidArgument("chatId", "chatId is required");
  const chat = await deps.store.collection<ChatRecord>(collections.chats).get(projectId, chatId);
  if (!chat || chat.ownerId !== user.userId) throw notFound(`chat ${chatId} not found`);
  return chat;
}

/** A chat's messages in order, every version of a regenerated answer included. */
export function messagesOf(deps: ChatDeps, chat: ChatRecord): Promise<MessageRecord[]> {
  return deps.store.collection<MessageRecord>(collections.messages).find({ projectId: chat.projectId, chatId: chat.id }, { sort: { field: "position", direction: "asc" } });
}

/** How many messages reading a chat returns; older ones are paged through. */
const latestMessages = 100;

const chatToolPolicies = z.object({ policies: chatToolRules });

function checkTitle(title: string): string {
  return checkText("title", title.trim(), textLimits.name);
}

export function chatUseCases(deps: ChatDeps) {
  const chats = deps.store.collection<ChatRecord>(collections.chats);
  return {
    async create(principal: CallPrincipal, input: { projectId: string; title: string }): Promise<ChatRecord> {
      const user = chatUser(principal, input.projectId);
      const title = checkTitle(input.title);
      const chat = newChatRecord(input.projectId, user.userId, title, title ? "user" : "none");
      await chats.insert(chat);
      return chat;
    },

    /** The user's own chats in the project, most recently active first. */
    list(principal: CallPrincipal, projectId: string, page: PageRequest): Promise<Page<ChatRecord>> {
      const user = chatUser(principal, projectId);
      return findPage(chats, { projectId, ownerId: user.userId }, { field: "updateTime", direction: "desc" }, page);
    },

    /** The chat with its latest messages (a long chat's whole history would not fit one response). */
    async get(principal: CallPrincipal, input: { projectId: string; chatId: string }): Promise<{ chat: ChatRecord; messages: MessageRecord[]; earlier: boolean }> {
      const chat = await ownChat(deps, chatUser(principal, input.projectId), input.projectId, input.chatId);
      const latest = await deps.store
        .collection<MessageRecord>(collections.messages)
        .find({ projectId: chat.projectId, chatId: chat.id }, { sort: { field: "position", direction: "desc" }, limit: latestMessages + 1 });
      return { chat, messages: latest.slice(0, latestMessages).reverse(), earlier: latest.length > latestMessages };
    },

    /** A page of the chat's messages, oldest first. */
    async messages(principal: CallPrincipal, input: { projectId: string; chatId: string }, page: PageRequest): Promise<Page<MessageRecord>> {
      const chat = await ownChat(deps, chatUser(principal, input.projectId), input.projectId, input.chatId);
      return findPage(deps.store.collection<MessageRecord>(collections.messages), { projectId: chat.projectId, chatId: chat.id }, { field: "position", direction: "asc" }, page);
    },

    async rename(principal: CallPrincipal, input: { projectId: string; chatId: string; title: string }): Promise<ChatRecord> {
      const chat = await ownChat(deps, chatUser(principal, input.projectId), input.projectId, input.chatId);
      const title = checkTitle(input.title);
      if (!title) throw invalidArgument("title", "title must not be empty");
      const renamed: ChatRecord = { ...chat, title, titleSource: "user", updateTime: new Date().toISOString() };
      await chats.put(renamed);
      return renamed;
    },

    /** Replaces the chat's own tool rules (ask or deny only: a chat tightens the project's policy, never loosens it). */
    async setToolPolicies(principal: CallPrincipal, input: { projectId: string; chatId: string; toolPolicies: readonly { pattern: string; policy: string }[] }): Promise<ChatRecord> {
      const chat = await ownChat(deps, chatUser(principal, input.projectId), input.projectId, input.chatId);
      const { policies: toolPolicies } = parseInput(chatToolPolicies, { policies: input.toolPolicies.map(({ pattern, policy }) => ({ pattern, policy })) });
      const updated: ChatRecord = { ...chat, toolPolicies, updateTime: new Date().toISOString() };
      await chats.put(updated);
      return updated;
    },

    /** Deletes the chat with its messages and their events; an answer being written is stopped first. */
    async delete(principal: CallPrincipal, input: { projectId: string; chatId: string }): Promise<void> {
      const chat = await ownChat(deps, chatUser(principal, input.projectId), input.projectId, input.chatId);
      const messages = await messagesOf(deps, chat);
      for (const message of messages) deps.live.get(chat.projectId, message.id)?.stop("deleted");
      for (const message of messages) await deps.log.deleteAnswer(chat.projectId, message.id);
      await deps.store.collection<MessageRecord>(collections.messages).delete({ projectId: chat.projectId, chatId: chat.id });
      await chats.delete({ projectId: chat.projectId, id: chat.id });
    },
  };
}

export type ChatUseCases = ReturnType<typeof chatUseCases>;
