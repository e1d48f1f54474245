import type { CodeToolDefinition } from "@qamesh/custom-tools";
import { guardedRequest, type OutboundPolicy } from "@qamesh/source-safety";
import type { ToolOutput } from "../tools/tool-definition.js";
import type { CodeSandbox, SandboxFetch } from "./code-sandbox.js";

export interface CodeToolDeps {
  sandbox: CodeSandbox;
  outboundPolicy: OutboundPolicy;
  allowedHosts(projectId: string): Promise<string[]>;
}

const methods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
/** What a script's fetch may bring back. */
const maxFetchedBytes = 256 * 1024;
const maxRedirects = 5;

/**
 * How a project's script makes a call (its arguments already checked): run in the sandbox with
 * its deadline and memory limit; its `fetch` goes through the same guarded client and host
 * allowlist as HTTP tools. What it returns is the result; a script that fails, runs out
 * of time or memory is a result saying so.
 */
export function codeCall(definition: CodeToolDefinition, deps: CodeToolDeps) {
  return async (projectId: string, args: Record<string, unknown>): Promise<ToolOutput> => {
    const allowedHosts = await deps.allowedHosts(projectId);
    const fetch: SandboxFetch = async (url, init, remainingMs) => {
      const method = String(init.method ?? "GET").toUpperCase();
      if (!methods.has(method)) throw new Error(`fetch does not send ${method} requests`);
      const headers = Object.fromEntries(Object.entries(init.headers ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
      const response = await guardedRequest(
        { method, url, headers, ...(typeof init.body === "string" ? { body: init.body } : {}) },
        { policy: deps.outboundPolicy, allowedHosts, timeoutMs: remainingMs, maxResponseBytes: maxFetchedBytes, maxRedirects },
      );
      return { status: response.status, contentType: response.contentType, text: response.body.toString("utf8") };
    };
    const outcome = await deps.sandbox.run(definition.code.source, args, { timeoutMs: definition.code.timeoutMs, memoryBytes: definition.code.memoryMb * 1024 * 1024 }, fetch);
    if ("error" in outcome) return { result: { error: outcome.error }, passages: [] };
    return { result: JSON.parse(outcome.resultJson) as unknown, passages: [] };
  };
}
