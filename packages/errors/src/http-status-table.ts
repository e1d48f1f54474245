import type { ErrorCode } from "./error-code.js";

export const httpStatusByCode: Record<ErrorCode, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 409,
  resource_exhausted: 429,
  too_large: 413,
  unsupported_media_type: 415,
  // nginx's "client closed request": only ever logged, since the client is gone.
  cancelled: 499,
  internal: 500,
  unavailable: 503,
  deadline_exceeded: 504,
};
