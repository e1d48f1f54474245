import type { NextFunction, Request, Response } from "express";
import { AppError, httpStatusByCode, toAppError } from "@qamesh/errors";
import { maxBodyDescription } from "./json-body.js";

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId: string };
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), requestId } };
}

/**
 * The one place HTTP statuses are chosen for failures. Errors express and its body parser
 * raise for the caller's request (bad JSON, too large, an undecodable path) are the caller's
 * fault; anything unrecognised is a 500 with no detail beyond the request id, and the full
 * error goes to the log. Client errors are logged only by the request line, without a stack.
 */
export function errorResponse(error: unknown, request: Request, response: Response, _next: NextFunction): void {
  const appError = fromExpress(error, request) ?? toAppError(error);
  if (appError.code === "internal") request.log.error({ err: error }, "request failed unexpectedly");
  else if (appError.code === "unavailable") request.log.warn({ err: error }, "dependency unavailable");
  if (response.headersSent) {
    response.end();
    return;
  }
  if (appError.retryAfterSeconds !== undefined) response.setHeader("retry-after", String(appError.retryAfterSeconds));
  response.status(httpStatusByCode[appError.code]).json(errorBody(appError, request.requestId));
}

/** Our own words for express's client errors: their messages may quote internals (zlib's, say). */
function fromExpress(error: unknown, request: Request): AppError | undefined {
  const raised = error as { type?: unknown; status?: unknown; expose?: unknown } | null;
  if (error instanceof URIError) return new AppError("invalid_argument", "the URL path is not valid percent-encoding", { field: "path" });
  if (typeof raised?.status !== "number" || raised.status < 400 || raised.status > 499 || raised.expose === false) return undefined;
  switch (raised.type) {
    case "entity.parse.failed":
      return new AppError("invalid_argument", "request body is not valid JSON", { field: "body" });
    case "entity.too.large":
      return new AppError("too_large", `request body is larger than the ${maxBodyDescription} limit`, { field: "body" });
    case "encoding.unsupported":
      return new AppError("unsupported_media_type", `content-encoding ${request.header("content-encoding") ?? ""} is not supported; use gzip, deflate, br or none`, { field: "content-encoding" });
    case "charset.unsupported":
      return new AppError("unsupported_media_type", "request body charset is not supported; use utf-8", { field: "content-type" });
    default:
      // A body whose compression or framing is broken.
      return new AppError("invalid_argument", "request body could not be read (is its content-encoding right?)", { field: "body" });
  }
}
