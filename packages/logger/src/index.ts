import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where the lines go; stdout unless a test wants to read them. */
  destination?: DestinationStream;
}

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
    },
    options.destination,
  );
}
