import type { CallInterceptor } from "./call-interceptor.js";
import { deadlineInterceptor } from "./deadline-interceptor.js";
import { principalInterceptor } from "./principal-interceptor.js";
import { requestIdInterceptor } from "./request-id-interceptor.js";

export * from "./call-interceptor.js";
export * from "./deadline-interceptor.js";
export * from "./principal-interceptor.js";
export * from "./request-id-interceptor.js";

/** What every qamesh server and client runs, in this order. */
export const standardInterceptors: readonly CallInterceptor[] = [requestIdInterceptor, deadlineInterceptor, principalInterceptor];
