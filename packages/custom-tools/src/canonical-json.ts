import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level: two values that mean the same read the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A call's arguments as the audit log keeps them: the SHA-256 of their canonical JSON, so the
 * same arguments hash the same whatever their key order, and the log holds no argument values.
 */
export function argumentsDigest(argumentsJson: string): string {
  let text = argumentsJson;
  try {
    text = canonicalJson(JSON.parse(argumentsJson));
  } catch {
    // Not JSON: the text as it came is what was asked.
  }
  return createHash("sha256").update(text).digest("hex");
}
