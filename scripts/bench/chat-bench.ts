import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePorts } from "@qamesh/config";
import { unthrottledRateLimits } from "@qamesh/gateway";
import { createLogger } from "@qamesh/logger";
import { ephemeralStandaloneEnvironment, startStandalone } from "@qamesh/standalone";
// The fake model alone: the testkit's index brings vitest, which only runs under its runner.
import { startFakeModelServer, type FakeModelBehaviour, type WireMessage } from "@qamesh/testkit/fake-model-server";
import { benchApi, benchRootPassword, percentile, residentMegabytes } from "./bench-api.js";

const latencySamples = Number(process.env.BENCH_CHAT_SAMPLES ?? 40);
const streamCounts = (process.env.BENCH_CHAT_STREAMS ?? "1,100,1000").split(",").map(Number);
/** Tokens each streamed answer has, and the scripted model's pause between them. */
const tokensPerAnswer = 100;
const tokenDelayMs = 5;

const toolTurns = (messages: WireMessage[]) => messages.slice(messages.findLastIndex((turn) => turn.role === "user")).filter((turn) => turn.role === "tool");

/**
 * The chat part of `npm run bench`: the services run in this process with a scripted model on
 * loopback (OpenAI protocol); the gateway runs as a process of its own, so its memory is its
 * own. Prints the mesh's own first-token latency (through the mesh minus the model's), tokens
 * per second relayed to 1, 100 and 1,000 concurrent SSE streams with the gateway's RSS, and the
 * wall time of a three-tool-step answer with a model that takes no time.
 */
export async function chatBench(workDirectory: string, corpus: string): Promise<string[]> {
  let mode: "plain" | "streams" | "tools" = "plain";
  const behaviour: FakeModelBehaviour = {
    answer(messages) {
      const steps = toolTurns(messages).length;
      if (mode === "streams") return { text: "word ".repeat(tokensPerAnswer) };
      if (mode === "tools") {
        if (steps === 0) return { toolCalls: [{ name: "semantic_search", arguments: JSON.stringify({ query: "invoice retry", k: 4 }) }] };
        if (steps === 1) return { toolCalls: [{ name: "grep_repository", arguments: JSON.stringify({ pattern: "retry", max_matches: 5 }) }] };
        if (steps === 2) {
          const path = /"path":"([^"]+)"/.exec(String(toolTurns(messages).at(-1)!.content))?.[1] ?? "missing";
          return { toolCalls: [{ name: "open_file", arguments: JSON.stringify({ path, start_line: 1, end_line: 30 }) }] };
        }
      }
      return { text: "The reconciler retries every 17 minutes." };
    },
    embedding: () => [],
  };
  const model = await startFakeModelServer(behaviour);
  const llm = { LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "bench-model" };
  const environment = ephemeralStandaloneEnvironment(join(workDirectory, "chat"), { ...llm, LOCAL_SOURCE_ROOTS: corpus });
  const running = await startStandalone(environment, createLogger({ service: "bench", level: "silent" }));
  const gatewayPort = (await freePorts(1))[0]!;
  const dataDirectory = environment.DATA_DIR!;
  const gateway = spawn(process.execPath, ["--import", "tsx", "services/gateway/src/main.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_DB_FILE: join(dataDirectory, "gateway.sqlite"),
      MESH_KEYS_FILE: join(dataDirectory, "mesh-keys.json"),
      QAMESH_ROOT_PASSWORD: benchRootPassword,
      INGESTION_ADDRESS: `127.0.0.1:${running.grpcPorts.ingestion}`,
      CHAT_ADDRESS: `127.0.0.1:${running.grpcPorts.chat}`,
      TOOL_RUNTIME_ADDRESS: `127.0.0.1:${running.grpcPorts["tool-runtime"]}`,
      LLM_PROFILES_ADDRESS: `127.0.0.1:${running.grpcPorts["llm-profiles"]}`,
      LOG_LEVEL: "warn",
      ...unthrottledRateLimits,
    },
    stdio: "ignore",
  });
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  try {
    for (let attempt = 0; !(await fetch(`${gatewayUrl}/ready`).then((r) => r.ok, () => false)); attempt++) {
      if (attempt > 300) throw new Error("the gateway process did not start");
      await sleep(100);
    }
    const { api, authorization, ingestFolder } = benchApi(gatewayUrl);
    await ingestFolder("chat", corpus);
    const newChat = async () => (await api("POST", "/v1/projects/chat/chats", { title: "bench" })).id as string;
    const lines = [`chat — services in this process, the gateway in its own (pid ${gateway.pid}), a scripted OpenAI-protocol model on loopback`];

    // 1. The mesh's cost per answer: first token through the gateway minus the model's own first token.
    mode = "plain";
    const direct: number[] = [];
    const meshed: number[] = [];
    for (let sample = 0; sample < latencySamples; sample++) {
      direct.push(await firstModelToken(model.url));
      const chatId = await newChat();
      meshed.push(await firstAnswerToken(gatewayPort, await authorization(), `/v1/projects/chat/chats/${chatId}/messages`));
    }
    const p = (values: number[], q: number) => percentile(values, q).toFixed(1);
    lines.push(
      `  first token (${latencySamples} answers): model alone p50 ${p(direct, 50)} ms, p95 ${p(direct, 95)} ms; through the mesh p50 ${p(meshed, 50)} ms, p95 ${p(meshed, 95)} ms; the mesh's own: p50 ${(percentile(meshed, 50) - percentile(direct, 50)).toFixed(1)} ms, p95 ${(percentile(meshed, 95) - percentile(direct, 95)).toFixed(1)} ms`,
    );

    // 2. Relaying: N answers at once, each to its own SSE stream.
    mode = "streams";
    behaviour.pieceDelayMs = tokenDelayMs;
    model.requests.length = 0;
    for (const streams of streamCounts) {
      const chats = await Promise.all(Array.from({ length: streams }, () => newChat()));
      const rssBefore = await residentMegabytes(gateway.pid!);
      let rssPeak = rssBefore;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          rssPeak = Math.max(rssPeak, await residentMegabytes(gateway.pid!));
          await sleep(100);
        }
      })();
      const credential = await authorization();
      const started = performance.now();
      const results = await Promise.all(chats.map((chatId) => streamAnswer(gatewayPort, credential, `/v1/projects/chat/chats/${chatId}/messages`)));
      const seconds = (performance.now() - started) / 1000;
      sampling = false;
      await sampler;
      const completed = results.filter((result) => result.completed);
      const tokens = results.reduce((total, result) => total + result.tokens, 0);
      lines.push(
        `  ${String(streams).padStart(4)} SSE streams at once: ${completed.length}/${streams} completed in ${seconds.toFixed(1)} s, ${(tokens / seconds).toFixed(0)} tokens/s relayed (${tokensPerAnswer} tokens each, model pausing ${tokenDelayMs} ms between them); gateway RSS ${rssBefore.toFixed(0)} MB before, ${rssPeak.toFixed(0)} MB at peak`,
      );
    }
    model.requests.length = 0;
    behaviour.pieceDelayMs = 0;

    // 3. A whole answer of three tool steps (semantic_search, grep_repository, open_file) with a model that takes no time.
    mode = "tools";
    const walls: number[] = [];
    for (let sample = 0; sample < latencySamples / 2; sample++) {
      const chatId = await newChat();
      const begin = performance.now();
      const answered = await api("POST", `/v1/projects/chat/chats/${chatId}/messages`, { content: "How often are invoices retried?" });
      walls.push(performance.now() - begin);
      if (answered.message?.status !== "completed") throw new Error(`a tool-calling answer ended ${JSON.stringify(answered.message ?? answered)}`);
    }
    lines.push(`  answer with 3 tool steps (${walls.length} answers): p50 ${p(walls, 50)} ms, p95 ${p(walls, 95)} ms wall time`);
    return lines;
  } finally {
    gateway.kill("SIGTERM");
    await new Promise((resolve) => gateway.once("exit", resolve));
    await running.stop();
    await model.close();
  }

  /** Milliseconds to the first streamed text of the scripted model, asked directly. */
  async function firstModelToken(url: string): Promise<number> {
    const begin = performance.now();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "bench-model", stream: true, messages: [{ role: "user", content: "How often are invoices retried?" }] }),
    });
    const reader = response.body!.getReader();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      if (text.includes('"content":"The')) break;
    }
    const elapsed = performance.now() - begin;
    await reader.cancel();
    return elapsed;
  }

  /** Milliseconds from sending a chat message to its answer's first token event. */
  async function firstAnswerToken(port: number, credential: string, path: string): Promise<number> {
    const begin = performance.now();
    let first: number | undefined;
    await streamAnswer(port, credential, path, () => (first ??= performance.now() - begin));
    return first ?? Number.NaN;
  }
}

/** Sends a message with Accept: text/event-stream and reads its answer to the end: tokens received, and whether it completed. */
function streamAnswer(port: number, credential: string, path: string, onToken?: () => void): Promise<{ tokens: number; completed: boolean }> {
  return new Promise((resolve) => {
    let tokens = 0;
    let completed = false;
    let buffer = "";
    const call = request(
      { host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { "content-type": "application/json", accept: "text/event-stream", authorization: credential } },
      (response) => {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.includes("\nevent: token\n")) {
              tokens++;
              onToken?.();
            } else if (block.includes("\nevent: message.completed\n")) completed = true;
          }
        });
        response.on("end", () => resolve({ tokens, completed }));
      },
    );
    call.on("error", () => resolve({ tokens, completed }));
    call.end(JSON.stringify({ content: "Tell me about the invoices." }));
  });
}
