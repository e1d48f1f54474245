/**
 * The closed set of failure kinds a qamesh call can end with. Domain code picks one of
 * these; each transport maps them to its own status in exactly one table.
 */
export const errorCodes = [
  "invalid_argument",
  "not_found",
  "already_exists",
  "failed_precondition",
  "permission_denied",
  "unauthenticated",
  "resource_exhausted",
  "unavailable",
  "deadline_exceeded",
  "internal",
] as const;

export type ErrorCode = (typeof errorCodes)[number];
