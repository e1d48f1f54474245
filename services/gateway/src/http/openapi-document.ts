import { sourceTypes } from "@qamesh/connectors";
import { z } from "zod";
import { nextCursorProperty, pageParameters } from "./page-query.js";
import { requestBodySchemas } from "./request-bodies.js";
import { socketCommand } from "../websocket/answer-socket.js";
import { socketPath, socketProtocol } from "../websocket/answer-socket-server.js";

/**
 * The public API, described for clients and code generators. A test checks that every route
 * the gateway serves is listed here and nothing else is; request bodies are generated from the
 * routes' own validation (request-bodies.ts), responses described here by hand.
 */
const error = { $ref: "#/components/schemas/Error" };
const json = (schema: unknown) => ({ "application/json": { schema } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { description: errorDescriptions[status], content: json(error) }]));
const errorDescriptions: Record<number, string> = {
  400: "Invalid input; `error.field` names the offending field",
  403: "The caller may not do this (a member attempting an admin action, a user managing users)",
  401: "No valid credential: log in, refresh, or send `Authorization: Bearer <access token or API key>`",
  404: "Unknown project, source or run",
  409: "Conflict with the current state",
  503: "A service behind the gateway is unavailable; `error.message` says which",
};
const projectId = { name: "projectId", in: "path", required: true, schema: { type: "string" } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const chatId = { name: "chatId", in: "path", required: true, schema: { type: "string" } };
const messageId = { name: "messageId", in: "path", required: true, schema: { type: "string" } };
const answerEventsDescription =
  "each with `id:` its number: `message.started` ({messageId, chatId, replyTo, version}), `token` ({text}), `tool.started` ({callId, tool, arguments}), `tool.finished` ({callId, failed, summary, references, durationMs}), `citations` ({citations}), `question` ({text, choices}: the answer waits for the user), `approval.requested` and `approval.decided` ({id, callId, tool, arguments, reason, expiresAt, decision, decidedBy, approvedArguments}: the answer waits for the chat owner to decide a tool call, and the decision), `message.completed` ({message}) or `error` ({code, reason})";
const reference = {
  sourceId: { type: "string" },
  path: { type: "string" },
  startLine: { type: "integer" },
  endLine: { type: "integer" },
  commit: { type: ["string", "null"], description: "git commit the content was read at; null for local folders" },
  title: { type: ["string", "null"], description: "a ticket's or page's key and title; null for files" },
  url: { type: ["string", "null"], description: "the ticket, comment or page section cited; null for files" },
  symbol: { type: ["string", "null"], description: "the definitions the passage holds or lies in (SessionKeeper.refresh), or a Markdown section's heading" },
  symbolKind: { type: ["string", "null"], description: "class, function, method, section..." },
  language: { type: ["string", "null"], description: "typescript, python, markdown..." },
};

/**
 * A source as responses show it: what every source has, then its type's settings (generated
 * from the connectors registry); secrets never appear, only whether there are some.
 */
function sourceSchema(): Record<string, unknown> {
  const common = {
    id: { type: "string" },
    projectId: { type: "string" },
    name: { type: "string" },
    hasCredentials: { type: "boolean", description: "whether secrets are stored (they are never shown)" },
    hasWebhookSecret: { type: "boolean", description: "whether webhook deliveries are taken (the secret is never shown)" },
    webhookUrl: { type: ["string", "null"], description: "where deliveries go, relative to the API" },
    syncEvery: { type: ["string", "null"], description: "the polling schedule, as 30m, 6h, 1d" },
    createdAt: { type: "string", format: "date-time" },
  };
  return {
    oneOf: sourceTypes.map((sourceType) => {
      const settings = z.toJSONSchema(sourceType.config, { io: "output" }) as { properties?: Record<string, unknown> };
      return { type: "object", description: sourceType.title, properties: { type: { const: sourceType.type }, ...common, ...settings.properties } };
    }),
  };
}

function socketCommandSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(socketCommand, { io: "input" }) as Record<string, unknown>;
  return schema;
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "qamesh", version: "0.1.0", description: "Ask questions about a software project; answers cite files and lines." },
  // OpenAPI has no words for WebSockets: the one socket is described here, its commands generated from the schema it validates with.
  "x-websockets": {
    [socketPath]: {
      summary:
        "The chat API over one WebSocket: send a message (or the reply to the agent's question: `answer`), subscribe to an answer from a cursor, unsubscribe, stop, decide a tool call the answer waits for. Replies: `sent` ({ref, userMessage, message}; the answer's events follow), `event` ({chatId, messageId, event}: exactly the {seq, type, data} objects SSE carries as id/event/data), `end` ({messageId}: the answer ended or waits for the user), `stopped` ({ref, message}), `decided` ({ref, message}; the answer's events follow from the decision), `error` ({ref?, error}).",
      authentication: `At the upgrade: Authorization: Bearer <access token or API key>, or (browsers) the subprotocols ["${socketProtocol}", "qamesh.bearer.<token>"]; without a valid credential the upgrade is answered 401. The credential is checked again before each command (close code 4401 once it is no longer valid). A client reading too slowly is closed with 4008 and resumes from its last event.`,
      subprotocol: socketProtocol,
      commands: socketCommandSchema(),
    },
  },
  // Every route needs a bearer credential unless it says `security: []`.
  security: [{ bearer: [] }],
  paths: {
    "/health": { get: { summary: "Liveness", security: [], responses: { "200": { description: "The gateway is up" } } } },
    "/ready": {
      get: {
        summary: "Readiness: every service behind the gateway is reachable",
        security: [],
        responses: { "200": { description: "Ready" }, "503": { description: "A dependency is unreachable; the body lists each one's state" } },
      },
    },
    "/openapi.json": { get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1 document" } } } },
    "/v1/auth/login": {
      post: {
        summary: "Log in with a username and password; the refresh token also comes as an httpOnly cookie scoped to /v1/auth",
        security: [],
        requestBody: { required: true, content: json(ref("Login")) },
        responses: { "200": { description: "Tokens", content: json(ref("Tokens")) }, ...errors(400, 401) },
      },
    },
    "/v1/auth/refresh": {
      post: {
        summary: "Exchange a refresh token (body or cookie) for a new pair; a token already exchanged revokes its whole login",
        security: [],
        requestBody: { required: false, content: json(ref("Refresh")) },
        responses: { "200": { description: "Tokens", content: json(ref("Tokens")) }, ...errors(400, 401) },
      },
    },
    "/v1/auth/logout": {
      post: {
        summary: "End the login a refresh token (body or cookie) or access token belongs to",
        security: [],
        requestBody: { required: false, content: json(ref("Refresh")) },
        responses: { "204": { description: "Logged out (also when the token was unknown)" } },
      },
    },
    "/v1/api-keys": {
      post: {
        summary: "Create an API key for scripts, CI and SDKs; the key is shown only in this response",
        requestBody: { required: true, content: json(ref("CreateApiKey")) },
        responses: { "201": { description: "Created", content: json({ allOf: [ref("ApiKey"), { type: "object", required: ["key"], properties: { key: { type: "string", description: "qm_..., shown once" } } }] }) }, ...errors(400, 401) },
      },
      get: { summary: "The caller's API keys (never the keys themselves)", responses: { "200": { description: "Keys", content: json({ type: "object", properties: { apiKeys: { type: "array", items: ref("ApiKey") } } }) }, ...errors(401) } },
    },
    "/v1/audit": {
      get: {
        summary: "The audit trail, newest first: a project's (its admins and global admins), or logins, users and keys (global admins)",
        parameters: [{ name: "projectId", in: "query", schema: { type: "string" } }, ...pageParameters],
        responses: { "200": { description: "Entries", content: json({ type: "object", properties: { entries: { type: "array", items: ref("AuditEntry") }, ...nextCursorProperty } }) }, ...errors(400, 401, 403, 404) },
      },
    },
    "/v1/me": {
      get: {
        summary: "The caller: id, username, global role and project memberships",
        responses: { "200": { description: "The caller", content: json(ref("Me")) }, ...errors(401) },
      },
    },
    "/v1/users": {
      post: {
        summary: "Create a local user (global admins)",
        requestBody: { required: true, content: json(ref("CreateUser")) },
        responses: { "201": { description: "Created", content: json(ref("User")) }, ...errors(400, 401, 403, 409) },
      },
      get: {
        summary: "List users, oldest first, a page at a time (global admins)",
        parameters: pageParameters,
        responses: { "200": { description: "Users", content: json({ type: "object", properties: { users: { type: "array", items: ref("User") }, ...nextCursorProperty } }) }, ...errors(400, 401, 403) },
      },
    },
    "/v1/users/{userId}": {
      parameters: [{ name: "userId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "A user (global admins)", responses: { "200": { description: "The user", content: json(ref("User")) }, ...errors(401, 403, 404) } },
      patch: {
        summary: "Change a user's password (which ends every login they have) or global role (global admins); the last global admin cannot be demoted",
        requestBody: { required: true, content: json(ref("UpdateUser")) },
        responses: { "200": { description: "Updated", content: json(ref("User")) }, ...errors(400, 401, 403, 404, 409) },
      },
      delete: { summary: "Delete a user; their tokens, keys and memberships end at once (global admins); not the last global admin", responses: { "204": { description: "Deleted" }, ...errors(401, 403, 404, 409) } },
    },
    "/v1/projects/{projectId}/members": {
      parameters: [projectId],
      get: { summary: "The project's members and roles (project admins)", responses: { "200": { description: "Members", content: json({ type: "object", properties: { members: { type: "array", items: ref("Member") } } }) }, ...errors(401, 403, 404) } },
    },
    "/v1/projects/{projectId}/members/{userId}": {
      parameters: [projectId, { name: "userId", in: "path", required: true, schema: { type: "string" } }],
      put: {
        summary: "Add a member or change their role (project admins); the last admin cannot be demoted",
        requestBody: { required: true, content: json(ref("SetMember")) },
        responses: { "200": { description: "The membership", content: json(ref("Member")) }, ...errors(400, 401, 403, 404, 409) },
      },
      delete: { summary: "Remove a member (project admins); the last admin cannot be removed", responses: { "204": { description: "Removed" }, ...errors(401, 403, 404, 409) } },
    },
    "/v1/api-keys/{keyId}": {
      parameters: [{ name: "keyId", in: "path", required: true, schema: { type: "string" } }],
      delete: { summary: "Delete one of the caller's API keys", responses: { "204": { description: "Deleted" }, ...errors(401, 404) } },
    },
    "/v1/projects": {
      post: {
        summary: "Register a project",
        requestBody: { required: true, content: json(ref("CreateProject")) },
        responses: { "201": { description: "Created", content: json(ref("Project")) }, ...errors(400, 409, 503) },
      },
      get: {
        summary: "List projects, oldest first, a page at a time",
        parameters: pageParameters,
        responses: { "200": { description: "Projects", content: json({ type: "object", properties: { projects: { type: "array", items: ref("Project") }, ...nextCursorProperty } }) }, ...errors(400, 503) },
      },
    },
    "/v1/projects/{projectId}": {
      parameters: [projectId],
      get: { summary: "Get a project", responses: { "200": { description: "The project", content: json(ref("Project")) }, ...errors(404, 503) } },
      patch: {
        summary: "Rename or describe a project",
        requestBody: { required: true, content: json(ref("UpdateProject")) },
        responses: { "200": { description: "Updated", content: json(ref("Project")) }, ...errors(400, 404, 503) },
      },
      delete: { summary: "Delete a project with its sources, runs and indexed chunks", responses: { "204": { description: "Deleted" }, ...errors(404, 503) } },
    },
    "/v1/projects/{projectId}/sources": {
      parameters: [projectId],
      post: {
        summary: "Attach a source (local folder or git repository)",
        requestBody: { required: true, content: json(ref("CreateSource")) },
        responses: { "201": { description: "Created", content: json(ref("Source")) }, ...errors(400, 404, 503) },
      },
      get: {
        summary: "List sources, oldest first, a page at a time",
        parameters: pageParameters,
        responses: { "200": { description: "Sources", content: json({ type: "object", properties: { sources: { type: "array", items: ref("Source") }, ...nextCursorProperty } }) }, ...errors(400, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/sources/{sourceId}": {
      parameters: [projectId, { name: "sourceId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "One source", responses: { "200": { description: "The source", content: json(ref("Source")) }, ...errors(404, 503) } },
      patch: {
        summary: "Rename a source, set, rotate or remove its webhook secret, or change its schedule",
        requestBody: { required: true, content: json(ref("UpdateSource")) },
        responses: { "200": { description: "The source", content: json(ref("Source")) }, ...errors(400, 404, 503) },
      },
      delete: { summary: "Detach a source and drop its chunks", responses: { "204": { description: "Deleted" }, ...errors(404, 503) } },
    },
    "/v1/webhooks/{sourceId}": {
      parameters: [{ name: "sourceId", in: "path", required: true, schema: { type: "string" } }],
      post: {
        summary:
          "A webhook delivery for a source that has a webhook secret: GitHub-style (X-GitHub-Event, X-Hub-Signature-256, X-GitHub-Delivery) or GitLab-style (X-Gitlab-Event, X-Gitlab-Token, Idempotency-Key) pushes to the source's branch bring it up to date (only what changed since the indexed commit); other branches and events are ignored; a deleted branch is reported on a failed run; a delivery received before changes nothing",
        security: [],
        requestBody: { required: true, content: json({ type: "object", description: "the sender's payload, exactly as sent (the signature covers its bytes)" }) },
        responses: {
          "202": {
            description: "Checked and recorded; the work is queued",
            content: json({
              type: "object",
              properties: {
                status: { enum: ["accepted", "queued", "duplicate", "ignored", "reported"] },
                event: { type: "string" },
                runId: { type: ["string", "null"] },
                reason: { type: "string" },
              },
            }),
          },
          "401": { description: "Missing or wrong signature or token: nothing was queued", content: json(error) },
          ...errors(404, 503),
          "413": { description: "Larger than 25 MB", content: json(error) },
          "429": { description: "Too many deliveries for this source", content: json(error) },
        },
      },
    },
    "/v1/projects/{projectId}/ingestions": {
      parameters: [projectId],
      post: {
        summary: "Start an ingestion run; returns at once",
        requestBody: { required: false, content: json(ref("StartIngestion")) },
        responses: { "202": { description: "Queued; poll the Location for progress", content: json(ref("IngestionRun")) }, ...errors(400, 404, 409, 503) },
      },
      get: {
        summary: "List runs, newest first, a page at a time",
        parameters: pageParameters,
        responses: { "200": { description: "Runs", content: json({ type: "object", properties: { runs: { type: "array", items: ref("IngestionRun") }, ...nextCursorProperty } }) }, ...errors(400, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/ingestions/{runId}": {
      parameters: [projectId, { name: "runId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "A run's status, counts and errors", responses: { "200": { description: "The run", content: json(ref("IngestionRun")) }, ...errors(404, 503) } },
    },
    "/v1/projects/{projectId}/search": {
      parameters: [projectId],
      post: {
        summary: "Ranked chunks for a query",
        requestBody: { required: true, content: json(ref("Search")) },
        responses: { "200": { description: "Hits, best first", content: json({ type: "object", properties: { hits: { type: "array", items: ref("SearchHit") } } }) }, ...errors(400, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/tools": {
      parameters: [projectId],
      get: {
        summary: "The tools the project's agent may call: qamesh's own, then the project's",
        responses: { "200": { description: "The catalog", content: json({ type: "object", properties: { tools: { type: "array", items: ref("Tool") } } }) }, ...errors(401, 404, 503) },
      },
      post: {
        summary:
          "Define a tool for the project's agent (project admins): an HTTP call with argument templates, secret headers and a policy, a sandboxed script, or an MCP server over Streamable HTTP (whose tools, as it lists them now, are approved; a stdio server is refused with 403)",
        requestBody: { required: true, content: json(ref("CustomTool")) },
        responses: { "201": { description: "Created", content: json(ref("CustomToolDefined")) }, ...errors(400, 403, 404, 409, 503) },
      },
    },
    "/v1/projects/{projectId}/profiles": {
      parameters: [projectId],
      get: { summary: "The models the project's admins defined (no key is ever returned: hasApiKey says whether one is set)", responses: { "200": { description: "The profiles", content: json({ type: "object", properties: { profiles: { type: "array", items: ref("ProfileDefined") } } }) }, ...errors(403, 404, 503) } },
      post: {
        summary: "Define a model (project admins): answering (with temperature, max tokens, context window) or embedding (with dimensions), from an OpenAI-compatible endpoint or Ollama; the API key is write-only, sealed at rest",
        requestBody: { required: true, content: json(ref("Profile")) },
        responses: { "201": { description: "Created", content: json(ref("ProfileDefined")) }, ...errors(400, 403, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/profiles/{profileId}": {
      parameters: [projectId, { name: "profileId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "A profile, without its key", responses: { "200": { description: "The profile", content: json(ref("ProfileDefined")) }, ...errors(403, 404, 503) } },
      put: {
        summary: "Replace a profile's definition (without apiKey the stored key is kept; removeApiKey drops it)",
        requestBody: { required: true, content: json(ref("Profile")) },
        responses: { "200": { description: "The profile", content: json(ref("ProfileDefined")) }, ...errors(400, 403, 404, 503) },
      },
      delete: { summary: "Remove a profile the project's model settings do not use (409 while they do)", responses: { "204": { description: "Removed" }, ...errors(403, 404, 409, 503) } },
    },
    "/v1/projects/{projectId}/model-settings": {
      parameters: [projectId],
      get: { summary: "Which profiles the project answers and embeds with (null: the deployment's defaults)", responses: { "200": { description: "The settings", content: json(ref("ModelSettingsChosen")) }, ...errors(403, 404, 503) } },
      put: {
        summary: "Choose the answering profile, its fallbacks (tried in order when one fails or is rate-limited) and the embedding profile; a new embedding model is reported as wanting a full re-index",
        requestBody: { required: true, content: json(ref("ModelSettings")) },
        responses: { "200": { description: "The settings", content: json(ref("ModelSettingsChosen")) }, ...errors(400, 403, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/tools/{toolId}/mcp-tools/{name}/approval": {
      parameters: [projectId, { name: "toolId", in: "path", required: true, schema: { type: "string" } }, { name: "name", in: "path", required: true, schema: { type: "string" }, description: "the tool's name on the MCP server" }],
      post: {
        summary: "Approve the version of an MCP server's tool that changed upstream or is new (project admins): the agent sees it again",
        requestBody: { required: true, content: json(ref("McpToolApproval")) },
        responses: { "200": { description: "The server, its tools' states updated", content: json(ref("CustomToolDefined")) }, ...errors(400, 403, 404, 409, 503) },
      },
    },
    "/v1/projects/{projectId}/tools/{toolId}": {
      parameters: [projectId, { name: "toolId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "A tool the project defined, secret header values left out", responses: { "200": { description: "The tool", content: json(ref("CustomToolDefined")) }, ...errors(403, 404, 503) } },
      put: {
        summary: "Replace a tool's definition (a secret header given without a value keeps its stored one)",
        requestBody: { required: true, content: json(ref("CustomTool")) },
        responses: { "200": { description: "The tool", content: json(ref("CustomToolDefined")) }, ...errors(400, 403, 404, 409, 503) },
      },
      delete: { summary: "Remove a tool", responses: { "204": { description: "Removed" }, ...errors(403, 404, 503) } },
    },
    "/v1/projects/{projectId}/tool-settings": {
      parameters: [projectId],
      get: { summary: "The hosts the project's tools may reach (none listed: any the deployment allows) and its policy rules", responses: { "200": { description: "The settings", content: json(ref("ToolSettings")) }, ...errors(403, 404, 503) } },
      put: {
        summary: "Set the hosts the project's tools may reach (internal networks stay closed unless the deployment opens them) and policy rules by tool name or pattern (deny wins)",
        requestBody: { required: true, content: json(ref("ToolSettings")) },
        responses: { "200": { description: "The settings", content: json(ref("ToolSettings")) }, ...errors(400, 403, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/ask": {
      parameters: [projectId],
      post: {
        summary: "Answer a question with citations; streamed as Server-Sent Events when the client accepts text/event-stream",
        requestBody: { required: true, content: json(ref("Ask")) },
        responses: {
          "200": {
            description:
              "The answer, by the same agent as a chat (without history, and without asking back). As SSE: `tool.started` ({callId, tool, arguments}) and `tool.finished` ({callId, failed, summary, references, durationMs}) for each tool call (without a model that calls tools, the search made for it); `token` events ({text}); one `citations` event (the passages the answer cited); then `done` ({answer, citations, provider}) or `error`.",
            content: { ...json(ref("Answer")), "text/event-stream": { schema: { type: "string" } } },
          },
          ...errors(400, 404, 503),
        },
      },
    },
    "/v1/models": {
      get: {
        summary: "OpenAI-compatible: the projects the caller (an API key's narrowing applied) may ask, as models whose id is the project id",
        responses: {
          "200": {
            description: "OpenAI's model list",
            content: json({ type: "object", properties: { object: { const: "list" }, data: { type: "array", items: { type: "object", properties: { id: { type: "string" }, object: { const: "model" }, created: { type: "integer" }, owned_by: { type: "string" }, name: { type: "string" } } } } } }),
          },
          ...errors(401, 503),
        },
      },
    },
    "/v1/chat/completions": {
      post: {
        summary: "OpenAI-compatible chat completion, answered by the project's agent (`model` is the project id); the conversation so far is the history, the last user message the question",
        requestBody: { required: true, content: json(ref("ChatCompletion")) },
        responses: {
          "200": {
            description:
              "OpenAI's chat.completion with an extra `citations` field on the message and at the top level; with `stream: true`, chat.completion.chunk events as Server-Sent Events, the final chunk (finish_reason stop) carrying `citations`, then (with stream_options.include_usage) a usage chunk, then `data: [DONE]`",
            content: { ...json({ type: "object", properties: { id: { type: "string" }, object: { const: "chat.completion" }, model: { type: "string" }, choices: { type: "array" }, usage: { type: "object" }, citations: { type: "array", items: ref("Citation") } } }), "text/event-stream": { schema: { type: "string" } } },
          },
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    "/v1/projects/{projectId}/chats": {
      parameters: [projectId],
      post: {
        summary: "Start a chat (yours alone: nobody else, not even a project admin, can read it)",
        requestBody: { required: false, content: json(ref("CreateChat")) },
        responses: { "201": { description: "The chat", content: json(ref("Chat")) }, ...errors(400, 404, 503) },
      },
      get: {
        summary: "Your chats in the project, most recently active first",
        parameters: pageParameters,
        responses: { "200": { description: "A page of chats", content: json({ type: "object", properties: { chats: { type: "array", items: ref("Chat") }, ...nextCursorProperty } }) }, ...errors(400, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/chats/{chatId}": {
      parameters: [projectId, chatId],
      get: {
        summary: "The chat with its latest 100 messages in order (every version of a regenerated answer); `earlierMessages` says whether older ones exist",
        responses: { "200": { description: "The chat", content: json(ref("ChatWithMessages")) }, ...errors(404, 503) },
      },
      patch: { summary: "Rename the chat", requestBody: { required: true, content: json(ref("UpdateChat")) }, responses: { "200": { description: "The chat", content: json(ref("Chat")) }, ...errors(400, 404, 503) } },
      delete: { summary: "Delete the chat, its messages and their events", responses: { "204": { description: "Deleted" }, ...errors(404, 503) } },
    },
    "/v1/projects/{projectId}/chats/{chatId}/tool-policies": {
      parameters: [projectId, chatId],
      put: {
        summary:
          "Replace the chat's own tool rules: by qualified name or pattern, ask (each call waits for the owner's approval) or deny. They only tighten the project's policy for this chat; the stricter of the two decides",
        requestBody: { required: true, content: json(ref("ChatToolPolicies")) },
        responses: { "200": { description: "The chat", content: json(ref("Chat")) }, ...errors(400, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/chats/{chatId}/messages": {
      parameters: [projectId, chatId],
      get: {
        summary: "The chat's messages, oldest first, a page at a time",
        parameters: pageParameters,
        responses: { "200": { description: "A page of messages", content: json({ type: "object", properties: { messages: { type: "array", items: ref("ChatMessage") }, ...nextCursorProperty } }) }, ...errors(400, 404, 503) },
      },
      post: {
        summary:
          "Send a message: it starts an answer, or, when the latest answer waits for the user (status awaiting_user), answers its question and that answer goes on. The answer is written whether or not the client stays; `Location` names its event stream at once",
        requestBody: { required: true, content: json(ref("SendMessage")) },
        responses: {
          "200": {
            description: `With Accept: text/event-stream, the answer's events as they happen (${answerEventsDescription}). Otherwise, once the answer ends (or pauses for a question): {userMessage, message}.`,
            headers: { Location: { description: "the answer's event stream", schema: { type: "string" } } },
            content: { ...json({ type: "object", properties: { userMessage: ref("ChatMessage"), message: ref("ChatMessage") } }), "text/event-stream": { schema: { type: "string" } } },
          },
          "202": {
            description: "With `Prefer: respond-async`: at once, {userMessage, message, eventsAfter} (the answer's events this message caused come after eventsAfter); follow them at Location",
            content: json({ type: "object", properties: { userMessage: ref("ChatMessage"), message: ref("ChatMessage"), eventsAfter: { type: "integer" } } }),
          },
          ...errors(400, 404, 409, 503),
        },
      },
    },
    "/v1/projects/{projectId}/chats/{chatId}/messages/{messageId}": {
      parameters: [projectId, chatId, messageId],
      get: { summary: "One message as it stands (an answer's status while it is written)", responses: { "200": { description: "The message", content: json(ref("ChatMessage")) }, ...errors(404, 503) } },
    },
    "/v1/projects/{projectId}/chats/{chatId}/messages/{messageId}/events": {
      parameters: [projectId, chatId, messageId],
      get: {
        summary: "Replay an answer's events after a cursor, then follow it live until it ends: from any gateway, while it is written or after",
        parameters: [
          { name: "Last-Event-ID", in: "header", schema: { type: "integer", minimum: 0 }, description: "the `id` of the last event received; the stream resumes after it" },
          { name: "after", in: "query", schema: { type: "integer", minimum: 0 }, description: "the same, for clients that cannot set the header" },
        ],
        responses: { "200": { description: `Server-Sent Events (${answerEventsDescription})`, content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors(400, 404, 503) },
      },
    },
    "/v1/projects/{projectId}/chats/{chatId}/messages/{messageId}/stop": {
      parameters: [projectId, chatId, messageId],
      post: {
        summary: "Stop an answer being written (its text so far is kept, status stopped) or waiting for the user; a finished one is returned unchanged. Disconnecting does not stop an answer; this does",
        responses: { "200": { description: "The answer", content: json(ref("ChatMessage")) }, ...errors(404, 503) },
      },
    },
    "/v1/projects/{projectId}/chats/{chatId}/messages/{messageId}/approvals/{approvalId}": {
      parameters: [projectId, chatId, messageId, { name: "approvalId", in: "path", required: true, schema: { type: "string" } }],
      post: {
        summary:
          "Decide a tool call the answer waits for (status awaiting_approval): approve it (optionally with edited arguments) and it runs, or deny it and the model is told; the answer goes on. Only the chat's owner decides, once",
        requestBody: { required: true, content: json(ref("DecideApproval")) },
        responses: {
          "200": {
            description: `As for sending a message: the answer's events from the decision on as SSE (${answerEventsDescription}), or {message} once it ends or pauses again`,
            headers: { Location: { description: "the answer's event stream", schema: { type: "string" } } },
            content: { ...json({ type: "object", properties: { message: ref("ChatMessage") } }), "text/event-stream": { schema: { type: "string" } } },
          },
          "202": {
            description: "With `Prefer: respond-async`: at once, {message, eventsAfter}; follow the events at Location",
            content: json({ type: "object", properties: { message: ref("ChatMessage"), eventsAfter: { type: "integer" } } }),
          },
          ...errors(400, 404, 409, 503),
        },
      },
    },
    "/v1/projects/{projectId}/chats/{chatId}/messages/{messageId}/regenerate": {
      parameters: [projectId, chatId, messageId],
      post: {
        summary: "Write a new version of the chat's latest answer; earlier versions stay readable",
        responses: {
          "200": {
            description: "As for sending a message: the new version's events as SSE, or {message} once it ends",
            content: { ...json({ type: "object", properties: { message: ref("ChatMessage") } }), "text/event-stream": { schema: { type: "string" } } },
          },
          ...errors(404, 409, 503),
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An access token from /v1/auth/login, or an API key (qm_...)" } },
    schemas: {
      // What clients send: generated from the schemas the routes validate with.
      ...requestBodySchemas(),
      Tokens: {
        type: "object",
        required: ["accessToken", "tokenType", "expiresIn", "refreshToken"],
        properties: { accessToken: { type: "string" }, tokenType: { const: "Bearer" }, expiresIn: { type: "integer", description: "seconds" }, refreshToken: { type: "string" } },
      },
      AuditEntry: {
        type: "object",
        properties: {
          time: { type: "string", format: "date-time" },
          actor: { type: ["object", "null"], properties: { userId: { type: "string" }, username: { type: "string" } } },
          action: { type: "string", examples: ["login.succeeded", "login.failed", "login.revoked", "api-key.created", "membership.set", "project.deleted", "tool.called", "approval.decided"] },
          projectId: { type: ["string", "null"] },
          target: { type: "string" },
          address: { type: "string", description: "the client's address" },
          requestId: { type: "string" },
          detail: { type: "string" },
          toolCall: {
            type: "object",
            description: "tool.called and approval.decided only: one call of the agent's, as the chat service reported it",
            properties: {
              chatId: { type: "string", description: "empty for a one-shot answer" },
              tool: { type: "string", description: "the name policies match (http:order_status)" },
              argumentsSha256: { type: "string", description: "SHA-256 of the arguments' canonical JSON; the values are not kept" },
              decision: { enum: ["allowed", "approved", "denied", "expired"] },
              decidedBy: { type: "string", description: "the user id who approved or denied, or `project policy` / `chat rules`" },
              approvalId: { type: "string" },
              durationMs: { type: "integer" },
              outcome: { enum: ["succeeded", "failed", "not run"] },
              error: { type: "string" },
            },
          },
        },
      },
      Me: {
        type: "object",
        properties: {
          id: { type: "string" },
          username: { type: "string" },
          globalRole: { enum: ["admin", "user"] },
          memberships: { type: "array", items: { type: "object", properties: { projectId: { type: "string" }, role: { enum: ["admin", "member"] } } } },
        },
      },
      User: {
        type: "object",
        properties: {
          id: { type: "string" },
          username: { type: "string" },
          globalRole: { enum: ["admin", "user"] },
          origin: { enum: ["local", "ldap"] },
          createdAt: { type: "string", format: "date-time" },
          updatedAt: { type: "string", format: "date-time" },
        },
      },
      Member: { type: "object", properties: { userId: { type: "string" }, username: { type: ["string", "null"] }, role: { enum: ["admin", "member"] } } },
      ApiKey: {
        type: "object",
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          projectIds: { type: ["array", "null"], items: { type: "string" } },
          role: { type: ["string", "null"] },
          expiresAt: { type: ["string", "null"], format: "date-time" },
          createdAt: { type: "string", format: "date-time" },
        },
      },
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message", "requestId"],
            properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" }, requestId: { type: "string" } },
          },
        },
      },
      Project: {
        type: "object",
        properties: { id: { type: "string" }, name: { type: "string" }, description: { type: "string" }, createdAt: { type: "string", format: "date-time" }, updatedAt: { type: "string", format: "date-time" } },
      },
      Source: sourceSchema(),
      IngestionRun: {
        type: "object",
        properties: {
          id: { type: "string" },
          projectId: { type: "string" },
          sourceIds: { type: "array", items: { type: "string" } },
          mode: { enum: ["full", "incremental"] },
          trigger: { enum: ["user", "webhook", "schedule"] },
          status: { enum: ["queued", "running", "succeeded", "failed"] },
          counts: {
            type: "object",
            properties: {
              ...Object.fromEntries(["discovered", "indexed", "unchanged", "deleted", "skipped", "failed"].map((name) => [name, { type: "integer" }])),
              indexedByKind: { type: "object", additionalProperties: { type: "integer" }, description: "what was indexed, by kind: files, issues, pullRequests, comments, pages..." },
            },
          },
          progress: { type: "object", properties: { batches: { type: "integer" }, batchesDone: { type: "integer" } }, description: "batches of work found so far, and done" },
          waiting: {
            type: ["object", "null"],
            properties: { until: { type: "string", format: "date-time" }, reason: { type: "string" } },
            description: "while reading waits out a provider's rate limit",
          },
          errors: { type: "array", items: { type: "object", properties: { sourceId: { type: "string" }, path: { type: ["string", "null"] }, message: { type: "string" } } } },
          createdAt: { type: "string", format: "date-time" },
          startedAt: { type: ["string", "null"], format: "date-time" },
          finishedAt: { type: ["string", "null"], format: "date-time" },
        },
      },
      Tool: {
        type: "object",
        properties: {
          name: { type: "string" },
          description: { type: "string" },
          parameters: { type: "object", description: "JSON Schema of the arguments" },
          builtIn: { type: "boolean", description: "one of qamesh's own tools (not defined by an admin)" },
          id: { type: "string", description: "a project's own tool: its id" },
          kind: { type: "string", enum: ["http"] },
          policy: { type: "string", enum: ["allow", "ask", "deny"], description: "what the project's policy rules make of the tool" },
        },
      },
      CustomToolDefined: {
        allOf: [
          ref("CustomTool"),
          {
            type: "object",
            properties: {
              id: { type: "string" },
              projectId: { type: "string" },
              mcpTools: {
                type: "array",
                description: "an MCP server's tools: approved (the agent uses it), changed (upstream; left out until approved), new (never approved), removed",
                items: {
                  type: "object",
                  properties: {
                    name: { type: "string" },
                    qualifiedName: { type: "string", description: "mcp:<server>:<tool>, what policies match" },
                    modelName: { type: "string" },
                    status: { enum: ["approved", "changed", "new", "removed"] },
                    approved: { type: ["object", "null"], properties: { sha256: { type: "string" }, description: { type: "string" }, approvedBy: { type: "string" }, approvedAt: { type: "string" } } },
                    current: { type: ["object", "null"], properties: { sha256: { type: "string" }, description: { type: "string" }, inputSchema: { type: "object" } } },
                  },
                },
              },
              mcpUnreachable: { type: "string", description: "why the MCP server's tools could not be listed just now" },
              createdAt: { type: "string", format: "date-time" },
              updatedAt: { type: "string", format: "date-time" },
            },
          },
        ],
      },
      ProfileDefined: {
        allOf: [ref("Profile"), { type: "object", properties: { id: { type: "string" }, projectId: { type: "string" }, hasApiKey: { type: "boolean" }, createdAt: { type: "string", format: "date-time" }, updatedAt: { type: "string", format: "date-time" } } }],
      },
      ModelSettingsChosen: {
        type: "object",
        properties: {
          answering: { type: ["string", "null"] },
          fallbacks: { type: "array", items: { type: "string" } },
          embedding: { type: ["string", "null"] },
          reindexRequiredSince: { type: ["string", "null"], format: "date-time", description: "when the embedding model changed: the project's sources want indexing again in full" },
          notice: { type: "string" },
        },
      },
      SearchHit: { type: "object", properties: { chunkId: { type: "string" }, score: { type: "number" }, text: { type: "string" }, ...reference } },
      Citation: { type: "object", properties: { index: { type: "integer", description: "the [n] the answer uses" }, ...reference, snippet: { type: "string" } } },
      Chat: {
        type: "object",
        properties: { id: { type: "string" }, projectId: { type: "string" }, title: { type: "string", description: "from the first message until renamed" }, summary: { type: ["string", "null"], description: "the older turns in the model's words, once the conversation outgrew the prompt" }, toolPolicies: { type: "array", items: { type: "object", properties: { pattern: { type: "string" }, policy: { enum: ["ask", "deny"] } } }, description: "the chat's own tool rules, tightening the project's" }, createdAt: { type: "string", format: "date-time" }, updatedAt: { type: "string", format: "date-time" } },
      },
      ChatWithMessages: { allOf: [ref("Chat"), { type: "object", properties: { messages: { type: "array", items: ref("ChatMessage") }, earlierMessages: { type: "boolean" } } }] },
      ChatMessage: {
        type: "object",
        properties: {
          id: { type: "string" },
          chatId: { type: "string" },
          role: { enum: ["user", "assistant"] },
          content: { type: "string" },
          status: { enum: ["streaming", "awaiting_user", "awaiting_approval", "completed", "stopped", "failed"] },
          replyTo: { type: ["string", "null"], description: "an answer: the question it answers; a user message: the answer whose question it replies to" },
          version: { type: "integer", description: "of an answer: 1, then one more per regeneration" },
          citations: { type: "array", items: ref("Citation") },
          provider: { type: ["string", "null"] },
          usage: { type: "object", properties: { promptTokens: { type: "integer" }, completionTokens: { type: "integer" } } },
          question: {
            type: ["object", "null"],
            properties: { text: { type: "string" }, choices: { type: "array", items: { type: "string" } }, expiresAt: { type: ["string", "null"], format: "date-time" } },
            description: "what the agent asks, while awaiting_user; unanswered by expiresAt, the answer ends failed",
          },
          approvals: {
            type: "array",
            items: ref("Approval"),
            description: "the tool calls of this answer that waited for the chat owner's decision; while awaiting_approval, the last is pending",
          },
          error: { type: ["object", "null"], properties: { code: { type: "string" }, reason: { type: "string" } } },
          createdAt: { type: "string", format: "date-time" },
          completedAt: { type: ["string", "null"], format: "date-time" },
        },
      },
      Approval: {
        type: "object",
        properties: {
          id: { type: "string" },
          callId: { type: "string", description: "the model's call it decides" },
          tool: { type: "string" },
          arguments: { description: "the model's arguments" },
          reason: { type: "string" },
          expiresAt: { type: ["string", "null"], format: "date-time", description: "undecided by then, the answer ends failed and the tool does not run" },
          decision: { enum: ["pending", "approved", "denied", "expired"] },
          decidedBy: { type: ["string", "null"], description: "the user id of who decided" },
          decidedAt: { type: ["string", "null"], format: "date-time" },
          approvedArguments: { description: "the arguments the call runs with (the model's, or the owner's edit); null unless approved" },
        },
      },
      Answer: {
        type: "object",
        properties: { answer: { type: "string" }, citations: { type: "array", items: ref("Citation") }, provider: { type: "string", description: "\"extractive\" when no LLM was used" } },
      },
    },
  },
} as const;
