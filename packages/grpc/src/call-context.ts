import type { Logger } from "@qamesh/logger";
import type { ContextValues } from "./context-values.js";

/** Metadata keys of error details; call data has its own interceptors (see interceptors/). */
export const metadataKeys = {
  errorField: "x-error-field",
  errorCode: "x-error-code",
} as const;

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** Everything the interceptors read from the call (request id, deadline, and the principal the guard verified). */
  values: ContextValues;
  requestId: string;
  /** A logger already carrying the request id and method. */
  logger: Logger;
  /** Aborted when the client cancels or the deadline passes. */
  signal: AbortSignal;
}
