import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";
import { randomUUID } from "node:crypto";
import { AppError } from "@qamesh/errors";

/** The only algorithm accepted: a token with `alg: none`, HS256 or anything else is refused. */
const algorithm = "ES256";

/** One kind of signed token: who issues it, for whom, and what its header says it is. */
export interface TokenKind {
  issuer: string;
  audience: string;
  /** The JOSE `typ` header, so one kind of token cannot pass for another. */
  type: string;
  lifetimeSeconds: number;
}

/** An ES256 key pair as JWKs: the private half signs, the public half verifies. */
export interface SigningKeys {
  privateKey: JWK;
  publicKey: JWK;
}

export async function generateSigningKeys(): Promise<SigningKeys> {
  const pair = await generateKeyPair(algorithm, { extractable: true });
  return { privateKey: await exportJWK(pair.privateKey), publicKey: await exportJWK(pair.publicKey) };
}

/** Signs tokens of one kind. */
export class TokenSigner {
  private constructor(
    private readonly kind: TokenKind,
    private readonly key: CryptoKey,
  ) {}

  static async create(kind: TokenKind, privateKey: JWK): Promise<TokenSigner> {
    return new TokenSigner(kind, (await importJWK(privateKey, algorithm)) as CryptoKey);
  }

  /** A token for `subject`, lasting the kind's lifetime unless told otherwise. */
  async sign(subject: string, claims: Record<string, unknown>, lifetimeSeconds: number = this.kind.lifetimeSeconds): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: algorithm, typ: this.kind.type })
      .setIssuer(this.kind.issuer)
      .setAudience(this.kind.audience)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .sign(this.key);
  }
}

/**
 * Verifies tokens of one kind: the algorithm allowlist, the signature, `iss`, `aud`, `typ` and
 * `exp` all checked. Any failure is `unauthenticated` with one bland message: a caller learns
 * nothing about which check failed.
 */
export class TokenVerifier {
  private constructor(
    private readonly kind: TokenKind,
    private readonly key: CryptoKey,
  ) {}

  static async create(kind: TokenKind, publicKey: JWK): Promise<TokenVerifier> {
    return new TokenVerifier(kind, (await importJWK(publicKey, algorithm)) as CryptoKey);
  }

  async verify(token: string): Promise<JWTPayload & { sub: string }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [algorithm],
        issuer: this.kind.issuer,
        audience: this.kind.audience,
        typ: this.kind.type,
        requiredClaims: ["sub", "exp", "iat", "jti"],
      });
      return payload as JWTPayload & { sub: string };
    } catch {
      throw new AppError("unauthenticated", "the token is not valid (expired, altered or not ours)");
    }
  }
}
