import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { JWK } from "jose";
import { generateSigningKeys, type SigningKeys } from "./signed-tokens.js";

/**
 * Named key pairs when the deployment gives none (one machine): read from `file`, generated the
 * first time (mode 0600; written aside and linked into place, so processes starting together
 * agree on one set). The file is `{"<name>": {"privateKey": <JWK>, "publicKey": <JWK>}, ...}`.
 */
export async function signingKeysFromFile<Name extends string>(file: string, names: readonly Name[]): Promise<Record<Name, SigningKeys>> {
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing !== undefined) return parseKeyFile(file, existing, names);
  await mkdir(dirname(file), { recursive: true });
  const generated = {} as Record<Name, SigningKeys>;
  for (const name of names) generated[name] = await generateSigningKeys();
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(aside, JSON.stringify(generated), { mode: 0o600 });
  try {
    await link(aside, file);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return parseKeyFile(file, await readFile(file, "utf8"), names);
  } finally {
    await unlink(aside);
  }
}

function parseKeyFile<Name extends string>(file: string, text: string, names: readonly Name[]): Record<Name, SigningKeys> {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const keys = {} as Record<Name, SigningKeys>;
  for (const name of names) {
    if (parsed[name] === undefined) throw new Error(`${file} holds no "${name}" key pair (it was written by another version: move it away to generate a new set)`);
    keys[name] = parseSigningKeys(JSON.stringify(parsed[name]));
  }
  return keys;
}

/** `{"privateKey": <JWK>, "publicKey": <JWK>}`, as a `*_SIGNING_KEYS` variable holds it. */
export function parseSigningKeys(text: string): SigningKeys {
  const parsed = JSON.parse(text) as { privateKey?: JWK; publicKey?: JWK };
  if (!isP256(parsed.privateKey) || !isP256(parsed.publicKey) || !parsed.privateKey.d) {
    throw new Error('signing keys must be {"privateKey": <EC P-256 JWK with d>, "publicKey": <EC P-256 JWK>}');
  }
  if (parsed.privateKey.x !== parsed.publicKey.x || parsed.privateKey.y !== parsed.publicKey.y) throw new Error("the private and public keys are not one pair");
  return { privateKey: parsed.privateKey, publicKey: withoutPrivatePart(parsed.publicKey) };
}

/** One EC P-256 public key as a JWK; a private part given by mistake is dropped, never kept. */
export function parsePublicKey(value: unknown): JWK {
  if (!isP256(value)) throw new Error("must be an EC P-256 public key as a JWK");
  return withoutPrivatePart(value);
}

function isP256(value: unknown): value is JWK {
  const jwk = value as JWK | undefined;
  return typeof jwk === "object" && jwk !== null && jwk.kty === "EC" && jwk.crv === "P-256" && typeof jwk.x === "string" && typeof jwk.y === "string";
}

function withoutPrivatePart(jwk: JWK): JWK {
  return { kty: "EC", crv: "P-256", x: jwk.x!, y: jwk.y! };
}
