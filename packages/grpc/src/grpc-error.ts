import { Metadata, status as GrpcStatus, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { AppError, errorCodeFromGrpcStatus, grpcStatusByCode, toAppError } from "@qamesh/errors";
import { metadataKeys } from "./call-context.js";

/**
 * What a server sends for a thrown error: the AppError's code and message; anything else is
 * INTERNAL with a bland message, so stack traces never cross the wire.
 */
export function toGrpcStatus(error: unknown): Partial<StatusObject> {
  const appError = toAppError(error);
  const metadata = new Metadata();
  // Marks the status as the handler's own answer, as opposed to one grpc-js made up for a
  // broken connection or a passed deadline.
  metadata.set(metadataKeys.errorCode, appError.code);
  if (appError.field !== undefined) metadata.set(metadataKeys.errorField, appError.field);
  return { code: grpcStatusByCode[appError.code], details: appError.message, metadata };
}

/** What a client turns a failed call into: the same closed code, with the peer's message. */
export function fromGrpcError(error: ServiceError, peer: string): AppError {
  const fromHandler = error.metadata?.get(metadataKeys.errorCode).length ?? 0;
  if (!fromHandler && error.code === GrpcStatus.UNAVAILABLE) {
    return new AppError("unavailable", `${peer} is unavailable: ${error.details || "no connection"}`, { cause: error });
  }
  if (!fromHandler && error.code === GrpcStatus.DEADLINE_EXCEEDED) {
    return new AppError("deadline_exceeded", `${peer} did not answer in time`, { cause: error });
  }
  if (!fromHandler && error.code === GrpcStatus.CANCELLED) {
    return new AppError("cancelled", `the call to ${peer} was cancelled`, { cause: error });
  }
  // grpc-js refuses a message over its size limit with RESOURCE_EXHAUSTED, which would read as
  // "slow down" (429) to a client; it is a response we should never have built.
  if (!fromHandler && error.code === GrpcStatus.RESOURCE_EXHAUSTED) {
    return new AppError("internal", `the response from ${peer} was too large to pass on`, { cause: error });
  }
  // Callers are authenticated at the gateway; a service refusing the mesh's own credential is the
  // deployment's fault (keys that differ between services, clocks apart), not the caller's: a 401
  // would send a client to log in again for nothing.
  if (error.code === GrpcStatus.UNAUTHENTICATED) {
    return new AppError("unavailable", `${peer} refused the mesh's credential (${error.details}); check that every service trusts the same mesh keys`, { cause: error });
  }
  const field = error.metadata?.get(metadataKeys.errorField)[0];
  return new AppError(errorCodeFromGrpcStatus(error.code), error.details, {
    cause: error,
    ...(typeof field === "string" ? { field } : {}),
  });
}
