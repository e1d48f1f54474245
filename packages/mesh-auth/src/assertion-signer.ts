import type { CallPrincipal } from "@qamesh/authorization";
import type { CredentialSource } from "@qamesh/grpc";
import { TokenSigner, type SigningKeys, type TokenKind } from "@qamesh/signed-tokens";
import { assertionClaims, serviceAssertions, userAssertions } from "./principal-assertions.js";
import { ExpiringCache } from "./expiring-cache.js";
import type { MeshSigner } from "./mesh-keys.js";

const kinds: Record<MeshSigner, TokenKind> = { gateway: userAssertions, service: serviceAssertions };

/** Principals whose assertion is kept for reuse: more than the users active at once. */
const reusedAssertions = 10_000;

/**
 * How long the assertion of a call that starts an answer lasts. The chat service writes the
 * answer after the call returns, presenting that assertion on every model and tool call it
 * makes; a slow local model can take many minutes over eight steps, more than the ten an
 * ordinary assertion lasts.
 */
export const answerAssertionSeconds = 3600;

/** Signs principal assertions as one of the mesh's signers (the gateway for users, a service for itself). */
export class AssertionSigner {
  private readonly reusable: ExpiringCache<Promise<string>>;

  private constructor(
    private readonly kind: TokenKind,
    private readonly signer: TokenSigner,
    private readonly clock: () => number,
  ) {
    this.reusable = new ExpiringCache(reusedAssertions, clock);
  }

  static async create(signer: MeshSigner, keys: SigningKeys, clock: () => number = Date.now): Promise<AssertionSigner> {
    return new AssertionSigner(kinds[signer], await TokenSigner.create(kinds[signer], keys.privateKey), clock);
  }

  sign(principal: CallPrincipal, lifetimeSeconds: number = this.kind.lifetimeSeconds): Promise<string> {
    const { subject, claims } = assertionClaims(principal);
    return this.signer.sign(subject, claims, lifetimeSeconds);
  }

  /**
   * The credential of work done for `principal`: signed when a call first needs it (a request
   * that makes no call signs nothing), then reused for the same principal (the same user in the
   * same project: their next requests too), and signed afresh once a fifth of its lifetime has
   * passed: the work a request starts always has most of the lifetime ahead of it, and work
   * running for hours (indexing) never presents an expired one.
   */
  credentialFor(principal: CallPrincipal): CredentialSource {
    return this.reused(principal, this.kind.lifetimeSeconds);
  }

  /** The credential of a call that starts an answer, which outlives the call (see answerAssertionSeconds); reused the same way. */
  credentialForAnswer(principal: CallPrincipal): CredentialSource {
    return this.reused(principal, answerAssertionSeconds);
  }

  private reused(principal: CallPrincipal, lifetimeSeconds: number): CredentialSource {
    const key = `${lifetimeSeconds}\n${JSON.stringify(assertionClaims(principal))}`;
    return () => {
      const reused = this.reusable.get(key);
      if (reused) return reused;
      const signing = this.sign(principal, lifetimeSeconds);
      this.reusable.set(key, signing, this.clock() + (lifetimeSeconds * 1000) / 5);
      signing.catch(() => this.reusable.delete(key));
      return signing;
    };
  }
}
