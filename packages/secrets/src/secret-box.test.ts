import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encryptionKeyFromFile } from "./encryption-keys.js";
import { SecretBox } from "./secret-box.js";

const key = (id: string) => ({ id, key: randomBytes(32) });

describe("SecretBox", () => {
  it("opens what it sealed for the same owner, and the sealed form does not contain the secret", () => {
    const box = new SecretBox([key("k1")]);
    const sealed = box.seal("ghp_TOKEN123", "source-credentials:p1:s1");
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain("TOKEN123");
    expect(box.open(sealed, "source-credentials:p1:s1")).toBe("ghp_TOKEN123");
  });

  it("refuses a value copied to another owner, or altered", () => {
    const box = new SecretBox([key("k1")]);
    const sealed = box.seal("secret", "source-credentials:p1:s1");
    expect(() => box.open(sealed, "source-credentials:p2:s1")).toThrow(/does not belong here/);
    // One bit of the ciphertext flipped (changing base64 characters can touch only padding bits).
    const [version, keyId, payload] = sealed.split(".");
    const bytes = Buffer.from(payload!, "base64url");
    bytes[bytes.length - 1]! ^= 0x01;
    const altered = `${version}.${keyId}.${bytes.toString("base64url")}`;
    expect(() => box.open(altered, "source-credentials:p1:s1")).toThrow(/does not belong here/);
  });

  it("keeps opening values sealed with an older key after a new one is put first", () => {
    const old = key("old");
    const sealed = new SecretBox([old]).seal("secret", "owner");
    const rotated = new SecretBox([key("new"), old]);
    expect(rotated.open(sealed, "owner")).toBe("secret");
    expect(rotated.seal("secret", "owner")).toMatch(/^v1\.new\./);
    expect(() => new SecretBox([key("new")]).open(sealed, "owner")).toThrow(/cannot be opened/);
  });

  it("re-seals a value sealed with an older key under the current one, for the same owner only", () => {
    const old = key("old");
    const sealed = new SecretBox([old]).seal("secret", "owner");
    const rotated = new SecretBox([key("new"), old]);
    expect(rotated.sealedWithOlderKey(sealed)).toBe(true);
    const resealed = rotated.reseal(sealed, "owner");
    expect(resealed).toMatch(/^v1\.new\./);
    expect(rotated.sealedWithOlderKey(resealed)).toBe(false);
    expect(rotated.open(resealed, "owner")).toBe("secret");
    expect(() => rotated.reseal(sealed, "another owner")).toThrow(/does not belong here/);
  });

  it("generates a key file once, readable by its owner only, and reuses it", async () => {
    const directory = await mkdtemp(join(tmpdir(), "qamesh-keys-"));
    try {
      const file = join(directory, "data", "encryption.key");
      const [first, second] = await Promise.all([encryptionKeyFromFile(file), encryptionKeyFromFile(file)]);
      expect(first[0]!.key.equals(second[0]!.key)).toBe(true);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await encryptionKeyFromFile(file))[0]!.key.equals(first[0]!.key)).toBe(true);
      expect((await readFile(file, "utf8")).trim()).toMatch(/^local:/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
