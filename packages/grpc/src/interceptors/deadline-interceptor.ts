import { createContextKey, currentContextValues, runWithContextValues } from "../context-values.js";
import type { CallInterceptor } from "./call-interceptor.js";

/** When the caller of the call being served gives up (epoch ms); undefined when it set no deadline. */
export const deadlineKey = createContextKey<number | undefined>(undefined, "deadline");

/**
 * Keeps the caller's deadline for the calls made while serving it: a service whose caller gives
 * up in 2 s does not wait 120 s on the next one. The client applies it (gRPC carries deadlines
 * in its own header), so `outbound` has nothing to write.
 */
export const deadlineInterceptor: CallInterceptor = {
  name: "deadline",
  inbound(call) {
    if (call.deadline !== undefined && Number.isFinite(call.deadline)) call.values.set(deadlineKey, call.deadline);
  },
};

/**
 * Runs work that outlives the call being served (an answer that goes on after its client left):
 * the calls it makes still carry the call's request id and credential, but not its deadline.
 */
export function outlivingTheCall<T>(work: () => T): T {
  return runWithContextValues(currentContextValues().copy().set(deadlineKey, undefined), work);
}
