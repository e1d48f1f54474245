import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { JWK } from "jose";
import { generateSigningKeys, type SigningKeys } from "./signed-tokens.js";

/**
 * The gateway's signing key pair when the deployment gives none (standalone, one machine): read
 * from `file`, generated the first time (mode 0600; written aside and linked into place, so two
 * processes starting together agree on one key).
 */
export async function signingKeysFromFile(file: string): Promise<SigningKeys> {
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing !== undefined) return parseSigningKeys(existing);
  await mkdir(dirname(file), { recursive: true });
  const generated = await generateSigningKeys();
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(aside, JSON.stringify(generated), { mode: 0o600 });
  try {
    await link(aside, file);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return parseSigningKeys(await readFile(file, "utf8"));
  } finally {
    await unlink(aside);
  }
}

/** `{"privateKey": <JWK>, "publicKey": <JWK>}`, as GATEWAY_SIGNING_KEYS or the key file hold it. */
export function parseSigningKeys(text: string): SigningKeys {
  const parsed = JSON.parse(text) as { privateKey?: JWK; publicKey?: JWK };
  if (parsed.privateKey?.kty !== "EC" || parsed.publicKey?.kty !== "EC" || !parsed.privateKey.d) {
    throw new Error("signing keys must be {\"privateKey\": <EC P-256 JWK with d>, \"publicKey\": <EC P-256 JWK>}");
  }
  return { privateKey: parsed.privateKey, publicKey: parsed.publicKey };
}
