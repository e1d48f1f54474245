import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { failedPrecondition } from "@qamesh/errors";

/** One AES-256 key and the id stored with everything it seals, so keys can be rotated. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

const format = "v1";
const ivBytes = 12;
const tagBytes = 16;

/**
 * Seals secrets (tokens, passwords) for storage with AES-256-GCM. Each secret is bound to its
 * owner, such as `source-credentials:<project>:<source>`, as associated data: a sealed value
 * copied onto another record does not open. The first key seals; every key opens, so a new key
 * can be put first while values sealed with the old one stay readable.
 *
 * Sealed form: `v1.<key id>.<base64url of iv | tag | ciphertext>`.
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error("a secret box needs at least one key");
    for (const { id, key } of keys) {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`encryption key id "${id}" must be 1-32 letters, digits, '-' or '_'`);
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
    }
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
    this.current = keys[0]!;
  }

  seal(plaintext: string, owner: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    cipher.setAAD(Buffer.from(owner, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${format}.${this.current.id}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
  }

  /** Whether a sealed value was sealed with an older key than the one that seals now (it wants re-sealing). */
  sealedWithOlderKey(sealed: string): boolean {
    return sealed.split(".")[1] !== this.current.id;
  }

  /** The value sealed again with the current key, for the same owner (what rolling a key in does to old records). */
  reseal(sealed: string, owner: string): string {
    return this.seal(this.open(sealed, owner), owner);
  }

  /** Fails (failed_precondition) when the value was not sealed for `owner` or by a known key. */
  open(sealed: string, owner: string): string {
    const [version, keyId, payload] = sealed.split(".");
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (version !== format || payload === undefined || key === undefined) {
      throw failedPrecondition("a stored secret cannot be opened with this deployment's encryption keys");
    }
    const bytes = Buffer.from(payload, "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(owner, "utf8"));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString("utf8");
    } catch {
      throw failedPrecondition("a stored secret does not belong here or was altered");
    }
  }
}
