import { invalidArgument } from "./app-error.js";
import type { z } from "zod";

/**
 * Validates a body or query with a schema; the first problem becomes a 400 naming its field and
 * saying what is wrong with it ("k: must be a whole number", not "k is required" for 1.5).
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, prefix = ""): z.infer<Schema> {
  const given = input ?? {};
  if (typeof given !== "object" || Array.isArray(given)) throw invalidArgument(prefix || "body", `${prefix || "body"} must be a JSON object`);
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body";
  const missing = valueAt(given, issue.path) === undefined;
  throw invalidArgument(field, missing && issue.code === "invalid_type" ? `${field} is required` : `${field}: ${issue.message}`);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** JSON text a field carries over the wire (a definition, a source's config), parsed; bad JSON is a 400 naming the field. */
export function parseJsonField(field: string, json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw invalidArgument(field, `${field} must be valid JSON`);
  }
}
