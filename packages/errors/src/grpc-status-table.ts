import type { ErrorCode } from "./error-code.js";

/** gRPC status numbers (grpc/doc/statuscodes.md); kept here so only one table knows them. */
export const grpcStatusByCode: Record<ErrorCode, number> = {
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
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
