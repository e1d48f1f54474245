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
  /** A rate or quota limit: slow down and retry later. */
  "resource_exhausted",
  /** The request itself is bigger than accepted (a body over the limit); retrying it as is cannot help. */
  "too_large",
  /** The request comes in a format or encoding that is not accepted (a form post where JSON is expected). */
  "unsupported_media_type",
  /** The caller gave up on the call (a client that disconnected); nothing went wrong on our side. */
  "cancelled",
  "unavailable",
  "deadline_exceeded",
  "internal",
] as const;

export type ErrorCode = (typeof errorCodes)[number];
