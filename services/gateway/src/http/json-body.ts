import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { AppError } from "@qamesh/errors";

/** Bodies larger than this are refused with 413 before they are parsed. */
export const maxBodyBytes = 1024 * 1024;
export const maxBodyDescription = "1 MiB";

/**
 * Every body the API takes is JSON. A body in another format is refused (415) rather than
 * ignored: ignoring it made a form-encoded PATCH answer 200 while changing nothing, and let a
 * cross-site form post start work with default settings.
 */
function requireJson(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = request.header("transfer-encoding") !== undefined || Number(request.header("content-length") ?? 0) > 0;
  if (hasBody && !request.is(["application/json", "application/*+json"])) {
    next(new AppError("unsupported_media_type", "request body must be JSON, sent with content-type: application/json", { field: "content-type" }));
    return;
  }
  next();
}

export function jsonBody(): RequestHandler[] {
  return [requireJson, express.json({ limit: maxBodyBytes })];
}
