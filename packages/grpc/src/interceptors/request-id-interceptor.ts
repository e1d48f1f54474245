import { randomUUID } from "node:crypto";
import { createContextKey } from "../context-values.js";
import type { CallInterceptor } from "./call-interceptor.js";

const metadataKey = "x-request-id";
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id that follows one user request across services and the bus; "" outside any request. */
export const requestIdKey = createContextKey("", "request id");

/** Takes the caller's request id (or makes one up) and passes it on to every call made meanwhile. */
export const requestIdInterceptor: CallInterceptor = {
  name: "request id",
  inbound(call) {
    const given = call.metadata.get(metadataKey)[0];
    call.values.set(requestIdKey, typeof given === "string" && acceptable.test(given) ? given : randomUUID());
  },
  outbound(call) {
    const requestId = call.values.get(requestIdKey);
    if (requestId && call.metadata.get(metadataKey).length === 0) call.metadata.set(metadataKey, requestId);
  },
};
