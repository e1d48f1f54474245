import { Router } from "express";
import type { Peers } from "../../peers.js";
import type { GatewayRateLimits } from "../rate-limits.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { clientGone } from "../client-gone.js";
import { parseInput } from "@qamesh/errors";
import { citationJson, hitJson, referenceJson } from "../presenters.js";
import { reportBrokenStream, ServerSentEvents } from "../server-sent-events.js";
import { requestBodies } from "../request-bodies.js";

export function searchAndAskRoutes(peers: Peers, rateLimits: GatewayRateLimits): Router {
  const router = Router();

  router.post("/v1/projects/:projectId/search", async (request, response) => {
    const projectId = authorizedProjectId(request, "search");
    const body = parseInput(requestBodies.Search, request.body);
    await peers.ingestion.getProject({ projectId });
    const { hits } = await peers.toolRuntime.search({ projectId, query: body.query, k: body.k, mode: body.mode, language: body.filter?.language ?? "", symbolKind: body.filter?.symbolKind ?? "" });
    response.json({ hits: hits.map(hitJson) });
  });

  router.post("/v1/projects/:projectId/ask", async (request, response) => {
    const projectId = authorizedProjectId(request, "ask");
    const body = parseInput(requestBodies.Ask, request.body);
    await rateLimits.answer(projectId);
    await peers.ingestion.getProject({ projectId });
    request.startsAnswer();
    const wantsStream = request.accepts(["application/json", "text/event-stream"]) === "text/event-stream";
    if (!wantsStream) {
      const answer = await peers.chat.ask({ projectId, question: body.question });
      response.json({ answer: answer.answer, citations: answer.citations.map(citationJson), provider: answer.provider });
      return;
    }
    const events = new ServerSentEvents(response);
    const gone = clientGone(response);
    try {
      for await (const event of peers.chat.askStream({ projectId, question: body.question }, { signal: gone })) {
        const { case: kind, value } = event.event;
        if (kind === "citations") events.send("citations", { citations: value.citations.map(citationJson) });
        else if (kind === "token") events.send("token", { text: value });
        else if (kind === "done") events.send("done", { answer: value.answer, citations: value.citations.map(citationJson), provider: value.provider });
        else if (kind === "toolStarted") events.send("tool.started", { callId: value.callId, tool: value.tool, arguments: value.argumentsJson });
        else if (kind === "toolFinished") events.send("tool.finished", { callId: value.callId, failed: value.failed, summary: value.summary, references: value.references.map(referenceJson), durationMs: value.durationMs });
      }
    } catch (error) {
      reportBrokenStream(events, request, error, gone.aborted, "client disconnected before the answer was complete");
    }
    events.end();
  });

  return router;
}
