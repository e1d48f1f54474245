import type { z } from "zod";

/** Raised when the environment does not describe a runnable service; `variable` names the culprit. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Validates the environment once, at start-up. Schemas are keyed by the variable names
 * themselves, so the first issue's path is the variable to blame.
 */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined>,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.map(String).join(".") || "environment";
  const got = env[variable];
  const shown = got === undefined ? "it is not set" : `got "${got}"`;
  throw new ConfigError(variable, `invalid configuration: ${variable}: ${issue?.message ?? "invalid"} (${shown})`);
}

/**
 * What a `main` does with a bad environment: one clear line on stderr and exit code 2, no
 * stack trace.
 */
export function parseConfigOrExit<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  env: Record<string, string | undefined>,
): z.infer<Schema> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`qamesh ${service}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
