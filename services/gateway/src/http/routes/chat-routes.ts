import { Router, type Request, type Response } from "express";
import { invalidArgument } from "@qamesh/errors";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { clientGone } from "../client-gone.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "@qamesh/errors";
import { answerEventJson, chatJson, chatMessageJson } from "../presenters.js";
import type { GatewayRateLimits } from "../rate-limits.js";
import { requestBodies } from "../request-bodies.js";
import { reportBrokenStream, ServerSentEvents } from "../server-sent-events.js";

/** A quiet stream (a long tool call) still gets a comment this often, so proxies keep it open. */
const keepAliveMs = 15_000;

type AnswerIds = { projectId: string; chatId: string; messageId: string };

/**
 * Chats and their answers. An answer is written by the chat service whatever happens to the
 * client; these routes relay its numbered events (SSE `id:` is the number, so a client that
 * reconnects with Last-Event-ID gets each event exactly once, from any gateway replica).
 */
export function chatRoutes(peers: Peers, rateLimits: GatewayRateLimits, audit: AuditLog): Router {
  const router = Router();
  const chatPath = "/v1/projects/:projectId/chats/:chatId";
  const answerPath = `${chatPath}/messages/:messageId`;

  const chatIds = (request: Request) => ({ projectId: authorizedProjectId(request, "chat"), chatId: String(request.params.chatId) });
  const answerIds = (request: Request): AnswerIds => ({ ...chatIds(request), messageId: String(request.params.messageId) });

  router.post("/v1/projects/:projectId/chats", async (request, response) => {
    const projectId = authorizedProjectId(request, "chat");
    const body = parseInput(requestBodies.CreateChat, request.body ?? {});
    await peers.ingestion.getProject({ projectId });
    const chat = await peers.chat.createChat({ projectId, title: body.title });
    response.status(201).location(`/v1/projects/${projectId}/chats/${chat.id}`).json(chatJson(chat));
  });

  router.get("/v1/projects/:projectId/chats", async (request, response) => {
    const projectId = authorizedProjectId(request, "chat");
    const listed = await peers.chat.listChats({ projectId, page: pageFromQuery(request) });
    response.json({ chats: listed.chats.map(chatJson), ...nextCursor(listed.nextPageToken) });
  });

  router.get(chatPath, async (request, response) => {
    const found = await peers.chat.getChat(chatIds(request));
    response.json({ ...chatJson(found.chat!), messages: found.messages.map(chatMessageJson), earlierMessages: found.earlierMessages });
  });

  router.get(`${chatPath}/messages`, async (request, response) => {
    const listed = await peers.chat.listMessages({ ...chatIds(request), page: pageFromQuery(request) });
    response.json({ messages: listed.messages.map(chatMessageJson), ...nextCursor(listed.nextPageToken) });
  });

  router.patch(chatPath, async (request, response) => {
    const ids = chatIds(request);
    const body = parseInput(requestBodies.UpdateChat, request.body);
    response.json(chatJson(await peers.chat.updateChat({ ...ids, title: body.title })));
  });

  router.put(`${chatPath}/tool-policies`, async (request, response) => {
    const ids = chatIds(request);
    const body = parseInput(requestBodies.ChatToolPolicies, request.body);
    const chat = await peers.chat.setChatToolPolicies({ ...ids, toolPolicies: body.policies });
    const rules = body.policies.map((rule) => `${rule.pattern} ${rule.policy}`).join(", ") || "none";
    await audit.record(request, { action: "chat-tool-policies.updated", projectId: ids.projectId, target: ids.chatId, detail: `policies: ${rules}` });
    response.json(chatJson(chat));
  });

  router.delete(chatPath, async (request, response) => {
    await peers.chat.deleteChat(chatIds(request));
    response.status(204).end();
  });

  router.post(`${chatPath}/messages`, async (request, response) => {
    const ids = chatIds(request);
    const body = parseInput(requestBodies.SendMessage, request.body);
    await rateLimits.answer(ids.projectId);
    request.startsAnswer();
    const sent = await peers.chat.sendMessage({ ...ids, content: body.content });
    const answer = sent.assistantMessage!;
    if (respondAsync(request)) {
      // The client follows (or reads) the answer later: the ids now, nothing waited for.
      response
        .status(202)
        .location(eventsPath({ ...ids, messageId: answer.id }))
        .json({ userMessage: chatMessageJson(sent.userMessage!), message: chatMessageJson(answer), eventsAfter: sent.eventsAfter });
      return;
    }
    // A reply to the agent's question continues its answer: the client gets the events from there on.
    await relayAnswer(peers, request, response, { ...ids, messageId: answer.id }, sent.eventsAfter, { userMessage: chatMessageJson(sent.userMessage!) });
  });

  router.get(answerPath, async (request, response) => {
    response.json(chatMessageJson(await peers.chat.getMessage(answerIds(request))));
  });

  router.get(`${answerPath}/events`, async (request, response) => {
    const ids = answerIds(request);
    const after = lastEventId(request);
    // Refusals (not the caller's chat, no such answer) are plain HTTP errors, before the stream opens.
    await peers.chat.getMessage(ids);
    await streamEvents(peers, request, response, new ServerSentEvents(response), ids, after);
  });

  router.post(`${answerPath}/stop`, async (request, response) => {
    response.json(chatMessageJson(await peers.chat.stopAnswer(answerIds(request))));
  });

  router.post(`${answerPath}/approvals/:approvalId`, async (request, response) => {
    const ids = answerIds(request);
    const body = parseInput(requestBodies.DecideApproval, request.body);
    request.startsAnswer();
    const decided = await peers.chat.decideApproval({
      ...ids,
      approvalId: String(request.params.approvalId),
      decision: body.decision,
      argumentsJson: body.arguments ? JSON.stringify(body.arguments) : "",
    });
    if (respondAsync(request)) {
      response.status(202).location(eventsPath(ids)).json({ message: chatMessageJson(decided.message!), eventsAfter: decided.eventsAfter });
      return;
    }
    // The answer goes on from the decision: the client gets its events from there (the decision first).
    await relayAnswer(peers, request, response, ids, decided.eventsAfter, {});
  });

  router.post(`${answerPath}/regenerate`, async (request, response) => {
    const ids = answerIds(request);
    await rateLimits.answer(ids.projectId);
    request.startsAnswer();
    const answer = await peers.chat.regenerate(ids);
    await relayAnswer(peers, request, response, { ...ids, messageId: answer.id }, 0, {});
  });

  return router;
}

/** `Prefer: respond-async` (RFC 7240): answer 202 at once instead of streaming or waiting. */
const respondAsync = (request: Request) => /(^|[,\s])respond-async([,;\s]|$)/i.test(request.get("prefer") ?? "");

/** The cursor a client resumes from: the Last-Event-ID header (what EventSource sends), else `?after=`, else the start. */
function lastEventId(request: Request): number {
  const given = request.get("last-event-id") ?? (typeof request.query.after === "string" ? request.query.after : undefined);
  if (given === undefined || given === "") return 0;
  const after = Number(given);
  if (!Number.isInteger(after) || after < 0) throw invalidArgument("after", "Last-Event-ID (or after) must be a whole number from 0");
  return after;
}

/** Where an answer's events are followed. */
const eventsPath = (ids: AnswerIds) => `/v1/projects/${ids.projectId}/chats/${ids.chatId}/messages/${ids.messageId}/events`;

/**
 * The answer as the client asked for it: its events as SSE (whose headers, Location among them,
 * go out at once, then message.started names it), or (any other Accept) the finished message
 * once it ends.
 */
async function relayAnswer(peers: Peers, request: Request, response: Response, ids: AnswerIds, after: number, extra: Record<string, unknown>): Promise<void> {
  response.location(eventsPath(ids));
  const wantsStream = request.accepts(["application/json", "text/event-stream"]) === "text/event-stream";
  if (wantsStream) {
    await streamEvents(peers, request, response, new ServerSentEvents(response), ids, after);
    return;
  }
  // The answer goes on if this client leaves; it only waits for the end to report it.
  const gone = clientGone(response);
  try {
    for await (const _event of peers.chat.followAnswer({ ...ids, after }, { signal: gone })) {
      // Nothing to do per event: the message is read once the stream ends.
    }
  } catch (error) {
    if (gone.aborted) return;
    throw error;
  }
  response.json({ ...extra, message: chatMessageJson(await peers.chat.getMessage(ids)) });
}

async function streamEvents(peers: Peers, request: Request, response: Response, events: ServerSentEvents, ids: AnswerIds, after: number): Promise<void> {
  const gone = clientGone(response);
  const keepAlive = setInterval(() => events.keepAlive(), keepAliveMs);
  try {
    for await (const event of peers.chat.followAnswer({ ...ids, after }, { signal: gone })) {
      const { seq, type, data } = answerEventJson(event);
      events.send(type, data, seq);
    }
  } catch (error) {
    // A client may leave and come back: the answer goes on.
    reportBrokenStream(events, request, error, gone.aborted, "client stopped following an answer");
  } finally {
    clearInterval(keepAlive);
  }
  events.end();
}
