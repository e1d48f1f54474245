import { createHash } from "node:crypto";
import type { StoredDocument } from "@qamesh/ports";
import type { SourceSpecRecord } from "./records.js";

/**
 * One record per (project, what a source reads), written with the source in one transaction:
 * its id is derived from the spec, so a second source for the same folder or repository and
 * branch collides on insert, even when two requests race.
 */
export interface SourceKeyRecord extends StoredDocument {
  sourceId: string;
}

export const sourceKeysCollection = "source_keys";

/** The same folder, or the same repository (however its URL is spelled) and branch. */
export function sourceKey(spec: SourceSpecRecord): string {
  const identity = spec.type === "local" ? `local:${spec.path.replace(/\/+$/, "")}` : `git:${normalisedGitUrl(spec.url)}#${spec.branch}`;
  return `k-${createHash("sha256").update(identity).digest("hex").slice(0, 32)}`;
}

function normalisedGitUrl(url: string): string {
  const bare = url.replace(/\/+$/, "").replace(/\.git$/, "");
  try {
    const parsed = new URL(bare);
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    return bare;
  }
}
