import type { Logger } from "@qamesh/logger";

/** Metadata keys that follow a call across services. */
export const metadataKeys = {
  requestId: "x-request-id",
  principal: "x-principal",
  errorField: "x-error-field",
  errorCode: "x-error-code",
} as const;

/** What a handler knows about the call it serves. */
export interface CallContext {
  requestId: string;
  /** Who is calling, as the gateway established it ("anonymous" until auth exists). */
  principal: string;
  /** A logger already carrying the request id and method. */
  logger: Logger;
  /** Aborted when the client cancels or the deadline passes. */
  signal: AbortSignal;
}
