import { createContextKey } from "../context-values.js";
import type { CallInterceptor } from "./call-interceptor.js";

const metadataKey = "x-principal";

/** Who the call is for, as the gateway established it ("anonymous" until authentication exists). */
export const principalKey = createContextKey("anonymous", "principal");

/** Carries the principal from the gateway through every service a request reaches. */
export const principalInterceptor: CallInterceptor = {
  name: "principal",
  inbound(call) {
    const given = call.metadata.get(metadataKey)[0];
    if (typeof given === "string" && given) call.values.set(principalKey, given);
  },
  outbound(call) {
    if (call.metadata.get(metadataKey).length === 0) call.metadata.set(metadataKey, call.values.get(principalKey));
  },
};
