import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { WebSocket } from "ws";
import { authorizeProject } from "@qamesh/authorization";
import { AppError, toAppError } from "@qamesh/errors";
import { ContextValues, requestIdKey, runWithContextValues } from "@qamesh/grpc";
import { textLimits } from "@qamesh/limits";
import type { Logger } from "@qamesh/logger";
import { runAs } from "@qamesh/mesh-auth";
import { callerOf } from "../http/auth/authenticate.js";
import { projectPrincipalOf } from "../http/auth/project-access.js";
import { errorBody } from "../http/error-response.js";
import { parseInput } from "@qamesh/errors";
import { answerEventJson, chatMessageJson } from "../http/presenters.js";
import type { GatewayRateLimits } from "../http/rate-limits.js";
import type { GatewayIdentity } from "../identity.js";
import type { Peers } from "../peers.js";

/** Answers one socket follows at once; a client wanting more opens another socket. */
const maxSubscriptions = 16;
/** A client that reads slower than this much piles up is closed; it resumes from its last event. */
const maxBufferedBytes = 4 * 1024 * 1024;
/** Close codes of the application range (4000-4999), as HTTP statuses would be. */
const closeCodes = { unauthenticated: 4401, tooSlow: 4008 } as const;

const ids = { projectId: z.string().min(1).max(textLimits.projectId), chatId: z.string().min(1).max(200) };
const ref = z.string().max(200).optional().meta({ description: "echoed in the reply, to match replies to commands" });

/** What a client may send: the commands of the chat API, one JSON object per frame. */
export const socketCommand = z.discriminatedUnion(
  "type",
  [
    // "answer" names the reply to the agent's question; the chat service tells the two apart itself.
    z.object({ type: z.enum(["send", "answer"]), ref, ...ids, content: z.string().trim().min(1, "content must not be empty").max(textLimits.message) }).strict(),
    z.object({ type: z.literal("subscribe"), ref, ...ids, messageId: z.string().min(1).max(200), after: z.number().int().min(0).default(0) }).strict(),
    z.object({ type: z.literal("unsubscribe"), ref, messageId: z.string().min(1).max(200) }).strict(),
    z.object({ type: z.literal("stop"), ref, ...ids, messageId: z.string().min(1).max(200) }).strict(),
    // The chat owner's decision on a tool call the answer waits for; the socket follows the answer from there.
    z
      .object({
        type: z.literal("decide"),
        ref,
        ...ids,
        messageId: z.string().min(1).max(200),
        approvalId: z.string().min(1).max(200),
        decision: z.enum(["approve", "deny"], { error: "decision must be approve or deny" }),
        arguments: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  ],
  { error: "type must be send, answer, subscribe, unsubscribe, stop or decide" },
);
type SocketCommand = z.infer<typeof socketCommand>;

export interface AnswerSocketDeps {
  peers: Peers;
  identity: GatewayIdentity;
  rateLimits: GatewayRateLimits;
  logger: Logger;
}

/**
 * One client's WebSocket: the chat API as commands and replies, and the events of the answers
 * it follows, each exactly the event object SSE carries ({seq, type, data}). The credential the
 * socket was opened with is checked again before each command, so a revoked login or expired
 * token stops working on an open socket too.
 */
export class AnswerSocket {
  private readonly subscriptions = new Map<string, AbortController>();

  constructor(
    private readonly socket: WebSocket,
    private readonly credential: string,
    private readonly deps: AnswerSocketDeps,
  ) {
    socket.on("message", (data, isBinary) => void this.received(isBinary ? undefined : data.toString()));
    socket.on("close", () => {
      for (const subscription of this.subscriptions.values()) subscription.abort();
      this.subscriptions.clear();
    });
  }

  private async received(text: string | undefined): Promise<void> {
    const requestId = randomUUID();
    let command: SocketCommand | undefined;
    try {
      if (text === undefined) throw new AppError("invalid_argument", "frames must be JSON text", { field: "body" });
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new AppError("invalid_argument", "the frame is not valid JSON", { field: "body" });
      }
      command = parseInput(socketCommand, parsed);
      const given = command;
      await runWithContextValues(new ContextValues().set(requestIdKey, requestId), () => this.run(given));
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === "internal") this.deps.logger.error({ err: error, requestId }, "websocket command failed");
      this.send({ type: "error", ...(command?.ref ? { ref: command.ref } : {}), ...errorBody(appError, requestId) });
      if (appError.code === "unauthenticated") this.socket.close(closeCodes.unauthenticated, "the credential is no longer valid");
    }
  }

  private async run(command: SocketCommand): Promise<void> {
    if (command.type === "unsubscribe") {
      this.subscriptions.get(command.messageId)?.abort();
      return;
    }
    const caller = await callerOf(this.deps.identity, this.credential);
    if (!caller) throw new AppError("unauthenticated", "the credential is not valid (expired, revoked or unknown)");
    const principal = await projectPrincipalOf(this.deps.identity, caller, command.projectId);
    authorizeProject(principal, command.projectId, "chat");
    const { peers } = this.deps;
    const answerIds = (messageId: string) => ({ projectId: command.projectId, chatId: command.chatId, messageId });
    // Sending starts (or resumes) an answer, which outlives the command: its assertion lasts as long as an answer may.
    const startsAnswer = command.type === "send" || command.type === "answer" || command.type === "decide";
    const { assertions } = this.deps.identity;
    await runAs(principal, startsAnswer ? assertions.credentialForAnswer(principal) : assertions.credentialFor(principal), async () => {
      switch (command.type) {
        case "send":
        case "answer": {
          await this.deps.rateLimits.answer(command.projectId);
          const sent = await peers.chat.sendMessage({ projectId: command.projectId, chatId: command.chatId, content: command.content });
          const answer = sent.assistantMessage!;
          this.send({ type: "sent", ...(command.ref ? { ref: command.ref } : {}), userMessage: chatMessageJson(sent.userMessage!), message: chatMessageJson(answer) });
          this.follow(answerIds(answer.id), sent.eventsAfter);
          return;
        }
        case "subscribe":
          // Refusals come back as an error reply before any event.
          await peers.chat.getMessage(answerIds(command.messageId));
          this.follow(answerIds(command.messageId), command.after);
          return;
        case "decide": {
          const { approvalId, decision } = command;
          const decided = await peers.chat.decideApproval({ ...answerIds(command.messageId), approvalId, decision, argumentsJson: command.arguments ? JSON.stringify(command.arguments) : "" });
          this.send({ type: "decided", ...(command.ref ? { ref: command.ref } : {}), message: chatMessageJson(decided.message!) });
          this.follow(answerIds(command.messageId), decided.eventsAfter);
          return;
        }
        case "stop": {
          const stopped = await peers.chat.stopAnswer(answerIds(command.messageId));
          this.send({ type: "stopped", ...(command.ref ? { ref: command.ref } : {}), message: chatMessageJson(stopped) });
          return;
        }
      }
    });
  }

  /** Relays an answer's events after `after` until it ends (or pauses), then says so. Runs in the caller's context. */
  private follow(ids: { projectId: string; chatId: string; messageId: string }, after: number): void {
    if (this.subscriptions.has(ids.messageId)) throw new AppError("already_exists", `already following answer ${ids.messageId}`);
    if (this.subscriptions.size >= maxSubscriptions) throw new AppError("resource_exhausted", `a socket follows at most ${maxSubscriptions} answers at once`);
    const subscription = new AbortController();
    this.subscriptions.set(ids.messageId, subscription);
    void (async () => {
      try {
        for await (const event of this.deps.peers.chat.followAnswer({ ...ids, after }, { signal: subscription.signal })) {
          this.send({ type: "event", chatId: ids.chatId, messageId: ids.messageId, event: answerEventJson(event) });
        }
        this.send({ type: "end", chatId: ids.chatId, messageId: ids.messageId });
      } catch (error) {
        if (!subscription.signal.aborted) this.send({ type: "error", messageId: ids.messageId, ...errorBody(toAppError(error), randomUUID()) });
      } finally {
        if (this.subscriptions.get(ids.messageId) === subscription) this.subscriptions.delete(ids.messageId);
      }
    })();
  }

  private send(frame: object): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > maxBufferedBytes) {
      this.socket.close(closeCodes.tooSlow, "reading too slowly; reconnect and resume from your last event");
      return;
    }
    this.socket.send(JSON.stringify(frame));
  }
}
