import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where the lines go; stdout unless a test wants to read them. */
  destination?: DestinationStream;
}

/** Fields that hold secrets, wherever a log line's object carries them (at the top or one level down). */
const secretFields = [
  "apiKey",
  "api_key",
  "password",
  "authorization",
  "cookie",
  "secret",
  "secrets",
  "token",
  "accessToken",
  "refreshToken",
  "sealedApiKey",
  "LLM_API_KEY",
  "EMBEDDING_API_KEY",
  "ENCRYPTION_KEYS",
  "QAMESH_ROOT_PASSWORD",
  "LDAP_BIND_PASSWORD",
  "GATEWAY_SIGNING_KEYS",
  "SERVICE_SIGNING_KEYS",
];
export const redactedPaths = [...secretFields, ...secretFields.map((field) => `*.${field}`), "*.headers.authorization", "*.headers.cookie"];

/**
 * One JSON line per event on stdout. Every service logs with a `service` field; request-scoped
 * loggers are children (`logger.child({ requestId })`) so a call can be followed across gRPC
 * and the bus.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: "qamesh",
      level: options.level ?? "info",
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A secret that reaches a log call by mistake is written as [redacted], never as itself.
      redact: { paths: redactedPaths, censor: "[redacted]" },
    },
    options.destination,
  );
}
