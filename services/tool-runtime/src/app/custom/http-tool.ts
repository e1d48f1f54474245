import { fillBody, fillUrl, valueAtPath } from "@qamesh/custom-tools";
import type { SecretBox } from "@qamesh/secrets";
import { guardedRequest, GuardedRequestError, type OutboundPolicy } from "@qamesh/source-safety";
import type { HttpToolDefinition } from "@qamesh/custom-tools";
import type { ToolOutput } from "../tools/tool-definition.js";
import { sealedHeaderOwner, type CustomToolRecord } from "./custom-tool-records.js";

export interface HttpToolDeps {
  secrets: SecretBox;
  /** The deployment's outbound policy: which networks besides the public internet tools may reach. */
  outboundPolicy: OutboundPolicy;
  /** The project's own allowlist of hosts. */
  allowedHosts(projectId: string): Promise<string[]>;
}

const maxRedirects = 5;
/** What of a failed answer the model is shown. */
const errorBodyChars = 1_000;

/**
 * How a project's HTTP tool makes a call (its arguments already checked): arguments filled
 * into the URL (encoded) and body, secret headers opened only here, and the request made
 * with the guarded client (no internal address, by any notation, redirect or DNS answer; the
 * project's host allowlist; deadline; body cap). The model gets the status and the mapped part
 * of the answer; a request that could not be made is a result saying why, not a failure.
 */
export function httpCall(record: CustomToolRecord, definition: HttpToolDefinition, deps: HttpToolDeps) {
  return async (projectId: string, args: Record<string, unknown>): Promise<ToolOutput> => {
    const { http } = definition;
    const headers: Record<string, string> = {};
    for (const header of http.headers) {
      const key = header.name.toLowerCase();
      headers[key] = header.secret ? deps.secrets.open(record.sealedHeaders[key] ?? "", sealedHeaderOwner(projectId, record.id, key)) : (header.value ?? "");
    }
    const body = http.body === undefined ? undefined : JSON.stringify(fillBody(http.body, args));
    if (body !== undefined) headers["content-type"] ??= "application/json";
    try {
      const response = await guardedRequest(
        { method: http.method, url: fillUrl(http.url, args), headers, ...(body !== undefined ? { body } : {}) },
        { policy: deps.outboundPolicy, allowedHosts: await deps.allowedHosts(projectId), timeoutMs: http.timeoutMs, maxResponseBytes: http.response.maxBytes, maxRedirects },
      );
      const text = response.body.toString("utf8");
      if (response.status >= 400) return { result: { status: response.status, error: text.slice(0, errorBodyChars) }, passages: [] };
      return { result: { status: response.status, body: mapped(text, response.contentType, http.response.path, response.truncated), ...(response.truncated ? { truncated: true } : {}) }, passages: [] };
    } catch (error) {
      if (error instanceof GuardedRequestError) return { result: { error: `the request was not made: ${error.message}` }, passages: [] };
      throw error;
    }
  };
}

/** A JSON answer (unless cut short) is parsed and the path picked out of it; anything else is text. */
function mapped(text: string, contentType: string, path: string | undefined, truncated: boolean): unknown {
  if (truncated || !/\bjson\b/i.test(contentType)) return text;
  try {
    const value: unknown = JSON.parse(text);
    return path ? (valueAtPath(value, path) ?? null) : value;
  } catch {
    return text;
  }
}
