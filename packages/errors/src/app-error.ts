import type { ErrorCode } from "./error-code.js";

/**
 * An error a client may see. The message is written for the caller (never a stack trace);
 * `field` names the offending input when there is one.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** For `resource_exhausted`: when trying again can succeed (HTTP Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const invalidArgument = (field: string, message: string) =>
  new AppError("invalid_argument", message, { field });
export const notFound = (message: string) => new AppError("not_found", message);
export const alreadyExists = (message: string) => new AppError("already_exists", message);
export const failedPrecondition = (message: string) => new AppError("failed_precondition", message);
export const permissionDenied = (message: string) => new AppError("permission_denied", message);
export const unavailable = (message: string, cause?: unknown) =>
  new AppError("unavailable", message, { cause });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Turns anything thrown into an AppError; unknown errors become `internal` with a bland message. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError("internal", "internal error", { cause: error });
}
