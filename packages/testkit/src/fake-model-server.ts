import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** A request the fake received, with its parsed JSON body. */
export interface RecordedRequest {
  path: string;
  /** True once the client hung up before the response was complete. */
  cancelled: boolean;
  headers: IncomingMessage["headers"];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the wire JSON of two protocols
}

/** A chat message as either protocol sends it (tool turns carry more fields). */
export interface WireMessage {
  role: string;
  content?: string | null;
  [field: string]: unknown;
}

/** What the scripted model does in one turn: write text, call tools, report token counts. */
export interface ScriptedReply {
  text?: string;
  /**
   * Calls it makes, in order. OpenAI's protocol streams each one's arguments in several
   * fragments, as written (invalid JSON included); Ollama's sends each call whole, parsed.
   */
  toolCalls?: { name: string; arguments: string }[];
  usage?: { promptTokens: number; completionTokens: number };
}

export interface FakeModelBehaviour {
  /** The reply to a chat request (text alone, or a scripted turn); text is streamed in small pieces. */
  answer(messages: WireMessage[], request: { tools?: unknown[] }): string | ScriptedReply;
  /** The vector for one input text. */
  embedding(text: string): number[];
  /** When set, every request fails with this HTTP status (the behaviour may be changed between requests). */
  failWithStatus?: number | undefined;
  /** Pause between streamed pieces, to act like a slow model. */
  pieceDelayMs?: number;
}

export interface FakeModelServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local stand-in for the model providers we cannot reach here, speaking their real wire
 * protocols: OpenAI's chat completions (Server-Sent Events) and embeddings, and Ollama's
 * /api/chat (NDJSON stream) and /api/embed. Driven by the real `openai` and `ollama` clients.
 */
export async function startFakeModelServer(behaviour: FakeModelBehaviour, options: { host?: string } = {}): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    let raw = "";
    for await (const chunk of request) raw += chunk;
    const body = raw ? JSON.parse(raw) : {};
    const path = (request.url ?? "").split("?")[0]!;
    const recorded: RecordedRequest = { path, cancelled: false, headers: request.headers, body };
    requests.push(recorded);
    response.on("close", () => {
      if (!response.writableFinished) recorded.cancelled = true;
    });
    if (behaviour.failWithStatus) return sendJson(response, behaviour.failWithStatus, { error: { message: "model overloaded", type: "server_error" } });
    if (path === "/v1/chat/completions") return openAiChat(response, body, behaviour);
    if (path === "/v1/embeddings") {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      return sendJson(response, 200, {
        object: "list",
        model: body.model,
        data: inputs.map((text, index) => ({ object: "embedding", index, embedding: openAiEmbedding(behaviour.embedding(text), body.encoding_format) })),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    }
    if (path === "/api/chat") return ollamaChat(response, body, behaviour);
    if (path === "/api/embed") {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      return sendJson(response, 200, { model: body.model, embeddings: inputs.map((text) => behaviour.embedding(text)) });
    }
    sendJson(response, 404, { error: `no route ${path}` });
  });
  // Another loopback address (127.0.0.2) stands for a provider on a network the deployment opens.
  const host = options.host ?? "127.0.0.1";
  server.listen(0, host);
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** OpenAI sends little-endian float32 bytes in base64 when asked for encoding_format "base64". */
function openAiEmbedding(vector: number[], format: string | undefined): number[] | string {
  return format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
}

function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

const scripted = (reply: string | ScriptedReply): ScriptedReply => (typeof reply === "string" ? { text: reply } : reply);

/** Cuts a call's arguments into three fragments, as streaming servers do. */
function fragments(text: string): string[] {
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)].filter((piece) => piece.length > 0);
}

async function openAiChat(response: ServerResponse, body: any, behaviour: FakeModelBehaviour): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const reply = scripted(behaviour.answer(body.messages, body));
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const data = (payload: object) => `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model: body.model, ...payload })}\n\n`;
  const chunk = (delta: object, finish: string | null) => data({ choices: [{ index: 0, delta, finish_reason: finish }] });
  response.write(chunk({ role: "assistant", content: "" }, null));
  for (const piece of pieces(reply.text ?? "")) {
    if (response.destroyed) return;
    response.write(chunk({ content: piece }, null));
    if (behaviour.pieceDelayMs) await sleep(behaviour.pieceDelayMs);
  }
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    // The first fragment of a call names it; the arguments follow in pieces.
    response.write(chunk({ tool_calls: [{ index, id: `call_fake_${index}`, type: "function", function: { name: call.name, arguments: "" } }] }, null));
    for (const piece of fragments(call.arguments)) response.write(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null));
  }
  response.write(chunk({}, reply.toolCalls?.length ? "tool_calls" : "stop"));
  if (body.stream_options?.include_usage) {
    const usage = reply.usage ?? { promptTokens: 0, completionTokens: 0 };
    response.write(data({ choices: [], usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens } }));
  }
  response.end("data: [DONE]\n\n");
}

async function ollamaChat(response: ServerResponse, body: any, behaviour: FakeModelBehaviour): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const reply = scripted(behaviour.answer(body.messages, body));
  response.writeHead(200, { "content-type": "application/x-ndjson" });
  const line = (message: object, done: boolean) =>
    JSON.stringify({
      model: body.model,
      created_at: new Date(0).toISOString(),
      message: { role: "assistant", content: "", ...message },
      done,
      ...(done ? { done_reason: "stop", prompt_eval_count: reply.usage?.promptTokens ?? 0, eval_count: reply.usage?.completionTokens ?? 0 } : {}),
    }) + "\n";
  for (const piece of pieces(reply.text ?? "")) {
    if (response.destroyed) return;
    response.write(line({ content: piece }, false));
    if (behaviour.pieceDelayMs) await sleep(behaviour.pieceDelayMs);
  }
  // Ollama sends each call whole, its arguments parsed, without an id, one chunk per call.
  for (const call of reply.toolCalls ?? []) response.write(line({ tool_calls: [{ function: { name: call.name, arguments: JSON.parse(call.arguments) } }] }, false));
  response.end(line({}, true));
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
