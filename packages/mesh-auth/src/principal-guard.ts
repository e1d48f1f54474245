import { decodeJwt } from "jose";
import type { CallPrincipal } from "@qamesh/authorization";
import { AppError } from "@qamesh/errors";
import { createContextKey, credentialKey, currentContextValues, presentedCredential, type CallInterceptor, type ContextValues } from "@qamesh/grpc";
import { TokenVerifier } from "@qamesh/signed-tokens";
import { ExpiringCache } from "./expiring-cache.js";
import { principalFromClaims, serviceAssertions, userAssertions } from "./principal-assertions.js";
import type { TrustedKeys } from "./mesh-keys.js";

/** Who the call being served is for, once the guard has verified it. */
export const principalKey = createContextKey<CallPrincipal | undefined>(undefined, "principal");

const notValid = () => new AppError("unauthenticated", "the principal assertion is not valid (expired, altered or not signed by the mesh)");

/** Valid assertions remembered, so the calls of one request (and a user's next requests) are checked once. */
const rememberedAssertions = 10_000;

/**
 * Verifies assertions of both signers: each token by the key of the issuer it names, and nothing
 * else. A token verified once is believed until it expires (only valid ones are remembered).
 */
export class AssertionVerifier {
  private readonly verified = new ExpiringCache<CallPrincipal>(rememberedAssertions);

  private constructor(private readonly verifiers: { gateway: TokenVerifier; service: TokenVerifier }) {}

  static async create(keys: TrustedKeys): Promise<AssertionVerifier> {
    return new AssertionVerifier({
      gateway: await TokenVerifier.create(userAssertions, keys.gateway),
      service: await TokenVerifier.create(serviceAssertions, keys.service),
    });
  }

  async verify(token: string): Promise<CallPrincipal> {
    const known = this.verified.get(token);
    if (known) return known;
    // The unverified issuer only picks the key; the verifier then checks it along with everything else.
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw notValid();
    }
    const signer = issuer === serviceAssertions.issuer ? "service" : "gateway";
    const payload = await this.verifiers[signer].verify(token).catch(() => {
      throw notValid();
    });
    const principal = principalFromClaims(payload, signer);
    if (!principal) throw notValid();
    this.verified.set(token, principal, (payload.exp ?? 0) * 1000);
    return principal;
  }
}

/**
 * The guard of every qamesh gRPC server: a call must present an assertion signed by the mesh
 * (the gateway for a user, a service for itself), or it is refused before its handler runs. The
 * verified principal goes into the call's values for the use cases, and the assertion is
 * forwarded, as received, on the calls the handler makes.
 */
export function principalGuard(verifier: AssertionVerifier): CallInterceptor {
  return {
    name: "principal guard",
    async inbound(call) {
      const token = presentedCredential(call.metadata);
      if (!token) throw new AppError("unauthenticated", "this service takes calls from inside the mesh only: the call carries no principal assertion");
      call.values.set(principalKey, await verifier.verify(token));
      call.values.set(credentialKey, () => Promise.resolve(token));
    },
  };
}

/**
 * The principal of the call being served. Every guarded call has one; code running outside a
 * call (or a server without the guard) gets a refusal, never an implicit identity.
 */
export function callPrincipal(values: ContextValues = currentContextValues()): CallPrincipal {
  const principal = values.get(principalKey);
  if (!principal) throw new AppError("unauthenticated", "no principal: this work was not started by an authenticated call");
  return principal;
}
