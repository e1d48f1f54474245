import { createHmac, generateKeyPairSync } from "node:crypto";
import { exportJWK, SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKeys, TokenSigner, TokenVerifier, type TokenKind } from "./signed-tokens.js";

const accessTokens: TokenKind = { issuer: "qamesh", audience: "qamesh-api", type: "at+jwt", lifetimeSeconds: 900 };
const otherKind: TokenKind = { issuer: "qamesh-gateway", audience: "qamesh-mesh", type: "qamesh-assertion+jwt", lifetimeSeconds: 60 };

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

describe("signed tokens", async () => {
  const keys = await generateSigningKeys();
  const signer = await TokenSigner.create(accessTokens, keys.privateKey);
  const verifier = await TokenVerifier.create(accessTokens, keys.publicKey);
  const refused = async (token: string) => (await verifier.verify(token).then(() => "accepted", (error: { code: string }) => error.code)) === "unauthenticated";

  it("accepts its own token and reads its subject and claims", async () => {
    const token = await signer.sign("user-1", { role: "user" });
    expect(await verifier.verify(token)).toMatchObject({ sub: "user-1", role: "user", iss: "qamesh", aud: "qamesh-api" });
  });

  it("refuses alg none", async () => {
    const unsigned = new UnsecuredJWT({ role: "admin" }).setSubject("user-1").setIssuer("qamesh").setAudience("qamesh-api").setExpirationTime("5m").setIssuedAt().encode();
    expect(await refused(unsigned)).toBe(true);
  });

  it("refuses an HS256 token signed with the public key as the secret", async () => {
    const header = base64url(JSON.stringify({ alg: "HS256", typ: "at+jwt" }));
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url(JSON.stringify({ sub: "user-1", iss: "qamesh", aud: "qamesh-api", iat: now, exp: now + 300, jti: "x", role: "admin" }));
    const signature = createHmac("sha256", JSON.stringify(keys.publicKey)).update(`${header}.${payload}`).digest("base64url");
    expect(await refused(`${header}.${payload}.${signature}`)).toBe(true);
  });

  it("refuses an expired token, a wrong audience or issuer, another kind of token, and another key", async () => {
    expect(await refused(await signWith(keys.privateKey, { exp: Math.floor(Date.now() / 1000) - 10 }))).toBe(true);
    // The helper itself makes acceptable tokens: only the overridden claim is wrong above.
    expect(await refused(await signWith(keys.privateKey, {}))).toBe(false);
    expect(await refused(await signWith(keys.privateKey, { aud: "someone-else" }))).toBe(true);
    expect(await refused(await signWith(keys.privateKey, { iss: "someone-else" }))).toBe(true);
    const assertion = await (await TokenSigner.create(otherKind, keys.privateKey)).sign("user-1", {});
    expect(await refused(assertion)).toBe(true);
    const other = await TokenSigner.create(accessTokens, (await generateSigningKeys()).privateKey);
    expect(await refused(await other.sign("user-1", {}))).toBe(true);
  });

  it("refuses a token whose payload was altered", async () => {
    const [header, , signature] = (await signer.sign("user-1", { role: "user" })).split(".");
    const forged = base64url(JSON.stringify({ sub: "user-1", role: "admin", iss: "qamesh", aud: "qamesh-api", exp: Math.floor(Date.now() / 1000) + 300 }));
    expect(await refused(`${header}.${forged}.${signature}`)).toBe(true);
  });

  it("refuses a token signed with an RSA key under an allowed-looking header", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    const token = await new SignJWT({}).setProtectedHeader({ alg: "RS256", typ: "at+jwt" }).setSubject("u").setIssuer("qamesh").setAudience("qamesh-api").setIssuedAt().setJti("j").setExpirationTime("5m").sign(privateKey);
    expect(jwk.kty).toBe("RSA");
    expect(await refused(token)).toBe(true);
  });
});

/** A token like ours with some claims overridden. */
async function signWith(privateJwk: object, overrides: { exp?: number; aud?: string; iss?: string }): Promise<string> {
  const { importJWK } = await import("jose");
  const key = await importJWK(privateJwk as never, "ES256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
    .setSubject("user-1")
    .setJti("j")
    .setIssuedAt(now - 20)
    .setIssuer(overrides.iss ?? "qamesh")
    .setAudience(overrides.aud ?? "qamesh-api")
    .setExpirationTime(overrides.exp ?? now + 300)
    .sign(key);
}
