import { currentContextValues, requestIdKey, type GrpcServer } from "@qamesh/grpc";
import type { Logger } from "@qamesh/logger";
import type { DocumentStore, EventBus, Subscription } from "@qamesh/ports";
import { subscribeToProjectDeletions } from "@qamesh/events";
import { OutboxRelay } from "@qamesh/outbox";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { MeshService } from "@qamesh/service-runtime";
import { failAbandonedAnswers } from "./app/answers/abandoned-answers.js";
import { expireUnansweredQuestions } from "./app/answers/unanswered-questions.js";
import type { AgentDeps } from "./app/agent/agent-answer.js";
import { AnswerLog } from "./app/answers/answer-log.js";
import { CallAudit } from "./app/audit/call-audit.js";
import type { AnswerSettings } from "./app/sessions/chat-deps.js";
import type { MemorySettings } from "./app/sessions/chat-memory.js";
import { approvalUseCases } from "./app/sessions/approval-use-cases.js";
import { chatUseCases } from "./app/sessions/chat-use-cases.js";
import { forgetProject } from "./app/sessions/deleted-projects.js";
import { LiveAnswers } from "./app/answers/live-answers.js";
import { messageUseCases } from "./app/sessions/message-use-cases.js";
import { applyStopRequests, stopPollMs } from "./app/answers/stop-requests.js";
import { chatHandlers } from "./grpc/chat-handlers.js";

export { chatConfigSchema } from "./config.js";
export { chatRecipe } from "./recipe.js";
export { chatIndexes } from "./app/sessions/chat-records.js";

export interface ChatServiceDeps extends Omit<AgentDeps, "audit"> {
  store: DocumentStore;
  /** Where project deletions are announced, and where the audit entries of tool calls go. */
  bus: EventBus;
  logger: Logger;
  answers: AnswerSettings;
  memory: MemorySettings;
  outliveCall<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The chat service as a value: chats and their answers over gRPC. While running it fails, every
 * lease period, answers whose writing replica died and questions nobody answered in time, applies stops asked on other replicas, and
 * deletes the chats of deleted projects; stopping it ends the answers it writes as
 * failed (their clients learn why) before the store closes.
 */
export function createChat(given: ChatServiceDeps): MeshService {
  const relay = new OutboxRelay({ store: given.store, bus: given.bus, logger: given.logger });
  const audit = new CallAudit({ store: given.store, logger: given.logger, onWritten: () => relay.kick(), currentRequestId: () => currentContextValues().get(requestIdKey) });
  const deps = { ...given, audit, log: new AnswerLog(given.store), live: new LiveAnswers() };
  let sweeper: NodeJS.Timeout | undefined;
  let stopWatch: NodeJS.Timeout | undefined;
  let deletions: Subscription | undefined;
  const sweep = () =>
    Promise.all([failAbandonedAnswers(deps), expireUnansweredQuestions(deps)]).catch((error: unknown) => deps.logger.warn({ err: error }, "could not look for abandoned answers"));
  return {
    register(server: GrpcServer) {
      server.add(ChatService, chatHandlers({ agent: deps, approvals: approvalUseCases(deps), chats: chatUseCases(deps), messages: messageUseCases(deps) }));
      // Ready only while its store and the bus answer: without them no answer can be kept.
      for (const dependency of [deps.store, deps.bus]) server.health.addDependencyCheck(() => dependency.ping());
    },
    async start() {
      deletions = await subscribeToProjectDeletions(deps.bus, "chat", (projectId) => forgetProject(deps, projectId));
      relay.start();
      await sweep();
      sweeper = setInterval(() => void sweep(), deps.answers.leaseMs);
      stopWatch = setInterval(() => void applyStopRequests(deps).catch((error: unknown) => deps.logger.warn({ err: error }, "could not look for stop requests")), stopPollMs);
    },
    async stop() {
      await deletions?.stop();
      clearInterval(sweeper);
      clearInterval(stopWatch);
      const running = deps.live.all();
      for (const live of running) live.stop("shutdown");
      await Promise.all(running.map((live) => live.finished));
      // After the answers: what they recorded while ending goes out now, or stays in the outbox for the next start.
      relay.kick();
      await relay.stop();
    },
  };
}
