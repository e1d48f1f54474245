import type { ErrorCode } from "./error-code.js";

/** gRPC status numbers (grpc/doc/statuscodes.md); kept here so only one table knows them. */
export const grpcStatusByCode: Record<ErrorCode, number> = {
  cancelled: 1,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  // RESOURCE_EXHAUSTED is taken by rate limits (and grpc-js uses it for oversized messages);
  // OUT_OF_RANGE is the closest other status, and keeps the table reversible.
  too_large: 11,
  // Never crosses the mesh (only the gateway reads bodies); UNIMPLEMENTED is the nearest meaning.
  unsupported_media_type: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
};

const codeByGrpcStatus = new Map<number, ErrorCode>(
  Object.entries(grpcStatusByCode).map(([code, status]) => [status, code as ErrorCode]),
);

/** The reverse direction, for clients. Statuses outside the table (CANCELLED, UNKNOWN...) are internal. */
export function errorCodeFromGrpcStatus(status: number): ErrorCode {
  return codeByGrpcStatus.get(status) ?? "internal";
}
