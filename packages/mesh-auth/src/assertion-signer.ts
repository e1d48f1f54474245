import type { CallPrincipal } from "@qamesh/authorization";
import type { CredentialSource } from "@qamesh/grpc";
import { TokenSigner, type SigningKeys, type TokenKind } from "@qamesh/signed-tokens";
import { assertionClaims, serviceAssertions, userAssertions } from "./principal-assertions.js";
import type { MeshSigner } from "./mesh-keys.js";

const kinds: Record<MeshSigner, TokenKind> = { gateway: userAssertions, service: serviceAssertions };

/** Signs principal assertions as one of the mesh's signers (the gateway for users, a service for itself). */
export class AssertionSigner {
  private constructor(
    private readonly kind: TokenKind,
    private readonly signer: TokenSigner,
  ) {}

  static async create(signer: MeshSigner, keys: SigningKeys): Promise<AssertionSigner> {
    return new AssertionSigner(kinds[signer], await TokenSigner.create(kinds[signer], keys.privateKey));
  }

  sign(principal: CallPrincipal): Promise<string> {
    const { subject, claims } = assertionClaims(principal);
    return this.signer.sign(subject, claims);
  }

  /**
   * The credential of work done for `principal`: signed when a call first needs it (a request
   * that makes no call signs nothing), then reused, and signed afresh once half its lifetime has
   * passed, so work running for hours (indexing) never presents an expired one.
   */
  credentialFor(principal: CallPrincipal, clock: () => number = Date.now): CredentialSource {
    let current: { token: string; renewAt: number } | undefined;
    let signing: Promise<string> | undefined;
    return () => {
      if (current && clock() < current.renewAt) return Promise.resolve(current.token);
      signing ??= this.sign(principal).then(
        (token) => {
          current = { token, renewAt: clock() + (this.kind.lifetimeSeconds * 1000) / 2 };
          signing = undefined;
          return token;
        },
        (error: unknown) => {
          signing = undefined;
          throw error;
        },
      );
      return signing;
    };
  }
}
