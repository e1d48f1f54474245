import type { CallPrincipal } from "@qamesh/authorization";
import { credentialKey, currentContextValues, runWithContextValues, type ContextValues, type CredentialSource } from "@qamesh/grpc";
import { principalKey } from "./principal-guard.js";

/**
 * From now on, the work these values belong to (an HTTP request, an event being handled) is done
 * for `principal`: the calls it makes present `credential`.
 */
export function actAs(values: ContextValues, principal: CallPrincipal, credential: CredentialSource): void {
  values.set(principalKey, principal).set(credentialKey, credential);
}

/** Runs `work` for `principal` (one project of a listing, say), leaving the rest of the work as it was. */
export function runAs<T>(principal: CallPrincipal, credential: CredentialSource, work: () => T): T {
  const values = currentContextValues().copy();
  actAs(values, principal, credential);
  return runWithContextValues(values, work);
}
