import { randomUUID } from "node:crypto";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Router, type Request } from "express";
import { authorizeProject } from "@qamesh/authorization";
import { invalidArgument, isAppError, notFound, toAppError } from "@qamesh/errors";
import { currentContextValues } from "@qamesh/grpc";
import { actAs } from "@qamesh/mesh-auth";
import type { AskResponse } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { Project } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { GatewayIdentity } from "../../identity.js";
import type { Peers } from "../../peers.js";
import { callerMemberships, projectsOf, seesEveryProject } from "../auth/caller-projects.js";
import { projectPrincipalOf } from "../auth/project-access.js";
import { clientGone } from "../client-gone.js";
import { errorBody } from "../error-response.js";
import { parseInput } from "@qamesh/errors";
import { citationJson } from "../presenters.js";
import type { GatewayRateLimits } from "../rate-limits.js";
import { requestBodies } from "../request-bodies.js";
import { ServerSentEvents } from "../server-sent-events.js";

/** The most projects /v1/models lists for a global admin (a page of ingestion's listing each time). */
const maxModels = 1000;

type ChatCompletion = ReturnType<typeof requestBodies.ChatCompletion.parse>;

/**
 * The OpenAI-compatible face of qamesh, so any OpenAI client or tool can ask a project: each
 * project the caller may ask is a "model" (its id is the project id), and a chat completion is
 * answered by the project's agent, its citations in an extra `citations` field.
 */
export function openAiRoutes(peers: Peers, identity: GatewayIdentity, rateLimits: GatewayRateLimits): Router {
  const router = Router();

  router.get("/v1/models", async (request, response) => {
    const projects = await askableProjects(peers, identity, request);
    response.json({
      object: "list",
      data: projects.map((project) => ({
        id: project.id,
        object: "model",
        created: project.createTime ? Math.floor(timestampDate(project.createTime).getTime() / 1000) : 0,
        owned_by: "qamesh",
        name: project.name,
      })),
    });
  });

  router.post("/v1/chat/completions", async (request, response) => {
    const body = parseInput(requestBodies.ChatCompletion, request.body);
    const { question, history } = conversation(body);
    const principal = await projectPrincipalOf(identity, request.caller, body.model);
    // A project the caller may not ask is a model that does not exist, for them.
    try {
      authorizeProject(principal, body.model, "ask");
    } catch (error) {
      if (isAppError(error) && error.code === "not_found") throw notFound(`the model ${body.model} does not exist or you do not have access to it`);
      throw error;
    }
    // The answer may take longer than an ordinary assertion lasts.
    actAs(currentContextValues(), principal, identity.assertions.credentialForAnswer(principal));
    await rateLimits.answer(body.model);
    await peers.ingestion.getProject({ projectId: body.model });

    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const ask = { projectId: body.model, question, history };
    if (!body.stream) {
      const answer = await peers.chat.ask(ask);
      response.json({
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: answer.answer, refusal: null, citations: answer.citations.map(citationJson) }, finish_reason: "stop", logprobs: null }],
        usage: usageJson(answer),
        citations: answer.citations.map(citationJson),
      });
      return;
    }

    const stream = new ServerSentEvents(response);
    const chunk = (choice: { delta: object; finish_reason: string | null } | undefined, extra: object = {}) =>
      stream.sendData({ id, object: "chat.completion.chunk", created, model: body.model, choices: choice ? [{ index: 0, logprobs: null, ...choice }] : [], ...extra });
    const gone = clientGone(response);
    try {
      chunk({ delta: { role: "assistant", content: "" }, finish_reason: null });
      for await (const event of peers.chat.askStream(ask, { signal: gone })) {
        const { case: kind, value } = event.event;
        if (kind === "token") chunk({ delta: { content: value }, finish_reason: null });
        else if (kind === "done") {
          chunk({ delta: {}, finish_reason: "stop" }, { citations: value.citations.map(citationJson) });
          if (body.stream_options?.include_usage) chunk(undefined, { usage: usageJson(value) });
        }
      }
      stream.sendData("[DONE]");
    } catch (error) {
      if (gone.aborted) {
        request.log.info("client disconnected before the completion was complete");
      } else {
        const appError = toAppError(error);
        if (appError.code === "internal") request.log.error({ err: error }, "completion stream failed");
        // OpenAI's clients read an error object in the stream as the request's error.
        stream.sendData(errorBody(appError, request.requestId));
      }
    }
    stream.end();
  });

  return router;
}

/** The question is the last user message; what comes before is the history the client kept. */
function conversation(body: ChatCompletion): { question: string; history: { role: string; content: string }[] } {
  const turns = body.messages.map((message, index) => ({ role: message.role === "developer" ? "system" : message.role, content: textOf(message.content), index }));
  const last = turns.at(-1)!;
  if (last.role !== "user" || !last.content.trim()) throw invalidArgument(`messages.${last.index}`, "the last message must be the user's question, with text");
  // Tool turns of a client's own tools mean nothing to the project's agent.
  const history = turns.slice(0, -1).filter((turn) => turn.role !== "tool" && turn.content);
  return { question: last.content, history: history.map(({ role, content }) => ({ role, content })) };
}

/** A message's text: a string, or the text parts of a content array. */
function textOf(content: ChatCompletion["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

function usageJson(answer: Pick<AskResponse, "usage">) {
  const prompt = answer.usage?.promptTokens ?? 0;
  const completion = answer.usage?.completionTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The projects the caller may ask: every project for a global admin, else their memberships (an API key's narrowing applied). */
async function askableProjects(peers: Peers, identity: GatewayIdentity, request: Request): Promise<Project[]> {
  if (!seesEveryProject(request.caller)) return projectsOf(peers, identity, request.caller, (await callerMemberships(identity, request.caller)).slice(0, maxModels));
  const projects: Project[] = [];
  let pageToken = "";
  do {
    const page = await peers.ingestion.listProjects({ page: { pageSize: 200, pageToken } });
    projects.push(...page.projects);
    pageToken = page.nextPageToken;
  } while (pageToken && projects.length < maxModels);
  return projects.slice(0, maxModels);
}
