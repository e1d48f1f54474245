import type { Metadata } from "@grpc/grpc-js";
import { createContextKey } from "../context-values.js";
import type { CallInterceptor } from "./call-interceptor.js";

const metadataKey = "authorization";

/**
 * Where the credential of a call comes from: the assertion a call arrived with (forwarded as
 * received), or one signed when first asked (the gateway for its caller, a service for its own
 * work). Asked once per outgoing call.
 */
export type CredentialSource = () => Promise<string>;

/** The credential outgoing calls present; none outside any call. */
export const credentialKey = createContextKey<CredentialSource | undefined>(undefined, "credential");

/** The bearer credential an incoming call presents, if any. Checking it is the server guard's work. */
export function presentedCredential(metadata: Metadata): string | undefined {
  const value = metadata.get(metadataKey)[0];
  const match = typeof value === "string" ? /^Bearer (\S+)$/.exec(value) : null;
  return match?.[1];
}

/** Presents the credential of the call being served (or of the work being done) on every call it makes. */
export const credentialInterceptor: CallInterceptor = {
  name: "credential",
  async outbound(call) {
    const source = call.values.get(credentialKey);
    if (source) call.metadata.set(metadataKey, `Bearer ${await source()}`);
  },
};
