import { createHash } from "node:crypto";
import type { StoredDocument } from "@qamesh/ports";

/**
 * One record per (project, what a source reads), written with the source in one transaction:
 * its id is derived from the type's identity of the settings (the same folder, the same
 * repository however its URL is spelled and branch...), so a second source reading the same
 * thing collides on insert, even when two requests race.
 */
export interface SourceKeyRecord extends StoredDocument {
  sourceId: string;
}

export const sourceKeysCollection = "source_keys";

export function sourceKey(identity: string): string {
  return `k-${createHash("sha256").update(identity).digest("hex").slice(0, 32)}`;
}
