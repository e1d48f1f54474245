import { invalidArgument } from "@qamesh/errors";
import type { z } from "zod";

/** Validates a body or query with a schema; the first problem becomes a 400 naming its field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, prefix = ""): z.infer<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body";
  const message = issue.code === "invalid_type" && issue.input === undefined ? `${field} is required` : `${field}: ${issue.message}`;
  throw invalidArgument(field, message);
}
