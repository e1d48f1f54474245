import type { NextFunction, Request, Response } from "express";
import type { Logger } from "@qamesh/logger";
import { randomUUID } from "node:crypto";
import type { CallOptions } from "@qamesh/grpc";

declare module "express-serve-static-core" {
  interface Request {
    requestId: string;
    log: Logger;
  }
}

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (the caller's x-request-id if sane) that follows it across gRPC and the bus. */
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
    next();
  };
}

/** gRPC call options for a request: its id, and "anonymous" until authentication exists. */
export function callOptions(request: Request, signal?: AbortSignal): CallOptions {
  return { requestId: request.requestId, principal: "anonymous", ...(signal ? { signal } : {}) };
}
