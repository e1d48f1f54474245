import type { NextFunction, Request, Response } from "express";
import type { Logger } from "@qamesh/logger";
import { randomUUID } from "node:crypto";
import { ContextValues, requestIdKey, runWithContextValues } from "@qamesh/grpc";

declare module "express-serve-static-core" {
  interface Request {
    requestId: string;
    log: Logger;
  }
}

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's x-request-id if sane) and runs the rest of its handling
 * inside its context values, so every gRPC call it makes carries the request id, and the
 * principal once authentication has established it, without a handler passing them.
 */
export function requestContext(logger: Logger) {
  return (request: Request, response: Response, next: NextFunction) => {
    const offered = request.header("x-request-id");
    request.requestId = offered && acceptableRequestId.test(offered) ? offered : randomUUID();
    request.log = logger.child({ requestId: request.requestId });
    response.setHeader("x-request-id", request.requestId);
    const started = Date.now();
    response.on("finish", () =>
      request.log.info({ method: request.method, path: request.path, status: response.statusCode, ms: Date.now() - started }, "request"),
    );
    const values = new ContextValues().set(requestIdKey, request.requestId);
    runWithContextValues(values, next);
  };
}
