import { invalidArgument } from "@qamesh/errors";

export interface GitCredentials {
  username: string;
  password: string;
}

/** What a source's sealed credentials are bound to: a copy on another record does not open. */
export const sourceCredentialsOwner = (projectId: string, sourceId: string) => `source-credentials:${projectId}:${sourceId}`;

/**
 * Takes credentials out of a git URL: `https://user:TOKEN@host/repo.git` becomes the bare URL
 * plus the credentials, which are kept apart (sealed) and never shown. Other transports carry
 * no secret in their URL (ssh authenticates with keys); a password in one is refused.
 */
export function splitGitUrlCredentials(url: string): { url: string; credentials: GitCredentials | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, credentials: undefined };
  }
  if (!parsed.username && !parsed.password) return { url, credentials: undefined };
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    if (parsed.password) throw invalidArgument("url", `a ${parsed.protocol.slice(0, -1)} URL cannot carry a password; use an ssh key`);
    return { url, credentials: undefined };
  }
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.href, credentials };
}

/** Hides whatever stands before "@" in every URL of a text: for messages and logs, git's own included. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, "$1***@");
}

/** The header git sends for credentials (through its environment, never its command line). */
export function basicAuthorizationHeader(credentials: GitCredentials): string {
  return `Authorization: Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}
