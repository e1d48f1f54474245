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

export interface FakeModelBehaviour {
  /** The answer text for a chat request; it is streamed in small pieces. */
  answer(messages: { role: string; content: string }[]): string;
  /** The vector for one input text. */
  embedding(text: string): number[];
  /** When set, every request fails with this HTTP status. */
  failWithStatus?: number;
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
export async function startFakeModelServer(behaviour: FakeModelBehaviour): Promise<FakeModelServer> {
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
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
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

async function openAiChat(response: ServerResponse, body: any, behaviour: FakeModelBehaviour): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const answer = behaviour.answer(body.messages);
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  response.write(chunk({ role: "assistant", content: "" }, null));
  for (const piece of pieces(answer)) {
    if (response.destroyed) return;
    response.write(chunk({ content: piece }, null));
    if (behaviour.pieceDelayMs) await sleep(behaviour.pieceDelayMs);
  }
  response.write(chunk({}, "stop"));
  response.end("data: [DONE]\n\n");
}

async function ollamaChat(response: ServerResponse, body: any, behaviour: FakeModelBehaviour): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const answer = behaviour.answer(body.messages);
  response.writeHead(200, { "content-type": "application/x-ndjson" });
  const line = (content: string, done: boolean) =>
    JSON.stringify({ model: body.model, created_at: new Date(0).toISOString(), message: { role: "assistant", content }, done, ...(done ? { done_reason: "stop" } : {}) }) + "\n";
  for (const piece of pieces(answer)) {
    if (response.destroyed) return;
    response.write(line(piece, false));
    if (behaviour.pieceDelayMs) await sleep(behaviour.pieceDelayMs);
  }
  response.end(line("", true));
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
