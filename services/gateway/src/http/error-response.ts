import type { NextFunction, Request, Response } from "express";
import { AppError, httpStatusByCode, toAppError } from "@qamesh/errors";

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId: string };
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), requestId } };
}

/**
 * The one place HTTP statuses are chosen for failures. Body-parser errors are the caller's
 * fault (bad JSON, too large); anything unrecognised is a 500 with no detail beyond the
 * request id, and the full error goes to the log.
 */
export function errorResponse(error: unknown, request: Request, response: Response, _next: NextFunction): void {
  const appError = fromBodyParser(error) ?? toAppError(error);
  if (appError.code === "internal") request.log.error({ err: error }, "request failed unexpectedly");
  else if (appError.code === "unavailable") request.log.warn({ err: error }, "dependency unavailable");
  if (response.headersSent) {
    response.end();
    return;
  }
  response.status(httpStatusByCode[appError.code]).json(errorBody(appError, request.requestId));
}

function fromBodyParser(error: unknown): AppError | undefined {
  const type = (error as { type?: string } | null)?.type;
  if (type === "entity.parse.failed") return new AppError("invalid_argument", "request body is not valid JSON", { field: "body" });
  if (type === "entity.too.large") return new AppError("invalid_argument", "request body is too large", { field: "body" });
  if (type === "charset.unsupported" || type === "encoding.unsupported") {
    return new AppError("invalid_argument", "request body encoding is not supported", { field: "body" });
  }
  return undefined;
}
