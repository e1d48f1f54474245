import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { guardedRequest, OutboundPolicy } from "@qamesh/source-safety";
import { percentile } from "./bench-api.js";

const calls = Number(process.env.BENCH_TOOL_CALLS ?? 500);

/**
 * The HTTP tool's guarded client against a plain `fetch`, to the same local server, one call at
 * a time, alternating so both see the same machine: what the address checks, the pinned lookup
 * and the manual redirect handling cost per call. Prints p50/p95 of each; asserts nothing.
 */
export async function httpToolBench(): Promise<string[]> {
  const server = createServer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end('{"order":{"status":"shipped"}}'));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}/orders/A-17`;
  const limits = { policy: new OutboundPolicy(["127.0.0.0/8", "::1/128"]), allowedHosts: [], timeoutMs: 10_000, maxResponseBytes: 65_536, maxRedirects: 5 };
  const plain: number[] = [];
  const guarded: number[] = [];
  const time = async (into: number[], call: () => Promise<unknown>) => {
    const start = performance.now();
    await call();
    into.push(performance.now() - start);
  };
  try {
    for (let index = 0; index < calls + 20; index++) {
      const plainTimes = index < 20 ? [] : plain;
      const guardedTimes = index < 20 ? [] : guarded;
      await time(plainTimes, async () => (await fetch(url)).text());
      await time(guardedTimes, () => guardedRequest({ method: "GET", url, headers: {} }, limits));
    }
  } finally {
    server.close();
  }
  const line = (name: string, times: number[]) => `  ${name}: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms`;
  return [`http tool client vs plain fetch (${calls} sequential GETs to a local server, alternating):`, line("plain fetch", plain), line("guarded (http tool)", guarded)];
}
