import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import { z } from "zod";
import { parsePublicKey, parseSigningKeys, signingKeysFromFile, type SigningKeys } from "@qamesh/signed-tokens";

/**
 * The mesh's two signers: the gateway vouches for users, the services for their own work. Each
 * has its own key pair, so each private key lives only where it signs.
 */
export const meshSigners = ["gateway", "service"] as const;
export type MeshSigner = (typeof meshSigners)[number];

/** The public keys a service believes, by signer. */
export type TrustedKeys = Record<MeshSigner, JWK>;

const jsonSetting = (parse: (text: string) => unknown) =>
  z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      try {
        parse(value);
      } catch (error) {
        context.addIssue({ code: "custom", message: error instanceof SyntaxError ? "must be JSON" : (error as Error).message });
      }
    });

/** A `*_SIGNING_KEYS` setting: `{"privateKey": <JWK>, "publicKey": <JWK>}` (a Kubernetes Secret). */
export const signingKeysSetting = () => jsonSetting(parseSigningKeys);

/** What every service is configured with to check who calls it. */
export const meshTrustConfigShape = {
  /**
   * `{"gateway": <public JWK>, "service": <public JWK>}`: whose assertions to believe (distributed
   * mode: the same value for every service). Without it, the public halves of MESH_KEYS_FILE.
   */
  MESH_PUBLIC_KEYS: jsonSetting(parseTrustedKeys),
  /**
   * One machine (standalone, or every service on one host): the mesh's key pairs in one file,
   * generated on first use (mode 0600), read by every service given the same path.
   */
  MESH_KEYS_FILE: z.string().min(1).default("./data/mesh-keys.json"),
};

export interface MeshTrustConfig {
  MESH_PUBLIC_KEYS?: string | undefined;
  MESH_KEYS_FILE: string;
}

export function parseTrustedKeys(text: string): TrustedKeys {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const keys = {} as TrustedKeys;
  for (const signer of meshSigners) {
    try {
      keys[signer] = parsePublicKey(parsed[signer]);
    } catch (error) {
      throw new Error(`"${signer}" ${(error as Error).message}`, { cause: error });
    }
  }
  return keys;
}

/** The keys the mesh believes: MESH_PUBLIC_KEYS, else the public halves of the key file. */
export async function trustedKeys(config: MeshTrustConfig): Promise<TrustedKeys> {
  if (config.MESH_PUBLIC_KEYS) return usable(parseTrustedKeys(config.MESH_PUBLIC_KEYS), "MESH_PUBLIC_KEYS");
  const pairs = await signingKeysFromFile(config.MESH_KEYS_FILE, meshSigners);
  return { gateway: pairs.gateway.publicKey, service: pairs.service.publicKey };
}

/** Keys that parse but cannot be used (a Secret's placeholders) stop the start with the variable named. */
async function usable<Keys extends object>(keys: Keys, variable: string): Promise<Keys> {
  for (const [name, key] of Object.entries(keys) as [string, JWK][]) {
    await importJWK(key, "ES256").catch(() => {
      throw new Error(`${variable}: the "${name}" key is not a usable P-256 key (still a placeholder? npm run mesh-keys makes real ones)`);
    });
  }
  return keys;
}

/**
 * The key pair `signer` signs with: `given` (its `*_SIGNING_KEYS` setting) beside
 * MESH_PUBLIC_KEYS, or both from the key file. A pair the mesh would not accept is refused at
 * start-up rather than by every call later.
 */
export async function meshSigningKeys(signer: MeshSigner, given: string | undefined, config: MeshTrustConfig, variable: string): Promise<SigningKeys> {
  if (!given !== !config.MESH_PUBLIC_KEYS) throw new Error(`${variable} and MESH_PUBLIC_KEYS go together: give both (distributed) or neither (one machine, MESH_KEYS_FILE)`);
  const keys = given ? await usable(parseSigningKeys(given), variable) : (await signingKeysFromFile(config.MESH_KEYS_FILE, meshSigners))[signer];
  const trusted = (await trustedKeys(config))[signer];
  if ((await thumbprint(trusted)) !== (await thumbprint(keys.publicKey))) {
    throw new Error(`${variable} is not the ${signer} key pair MESH_PUBLIC_KEYS names: every service must be given the same keys`);
  }
  return keys;
}

/** A short fingerprint of a key, for logs: operators compare it between services. */
export async function thumbprint(key: JWK): Promise<string> {
  return (await calculateJwkThumbprint(key, "sha256")).slice(0, 12);
}
