import type { CallInterceptor } from "./call-interceptor.js";
import { deadlineInterceptor } from "./deadline-interceptor.js";
import { credentialInterceptor } from "./credential-interceptor.js";
import { requestIdInterceptor } from "./request-id-interceptor.js";

export * from "./call-interceptor.js";
export * from "./deadline-interceptor.js";
export * from "./credential-interceptor.js";
export * from "./request-id-interceptor.js";

/**
 * What every qamesh server and client runs, in this order. A server adds its guard after them
 * (who may call it is the service's own business, see @qamesh/mesh-auth).
 */
export const standardInterceptors: readonly CallInterceptor[] = [requestIdInterceptor, deadlineInterceptor, credentialInterceptor];
