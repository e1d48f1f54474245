import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { EncryptionKey } from "./secret-box.js";

/**
 * Parses `ENCRYPTION_KEYS`: comma-separated `<id>:<base64 of 32 bytes>`, the one that seals
 * first. Throws a message naming what is wrong, never echoing a key.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const separator = entry.indexOf(":");
      const id = entry.slice(0, separator);
      const key = Buffer.from(entry.slice(separator + 1), "base64");
      if (separator < 1 || key.length !== 32) throw new Error(`entry ${index + 1} must be <id>:<base64 of 32 random bytes>`);
      return { id, key };
    });
}

/**
 * The key of a deployment without configured keys (standalone, or services sharing one data
 * directory): read from `file`, created with a random key (mode 0600) the first time.
 */
export async function encryptionKeyFromFile(file: string): Promise<EncryptionKey[]> {
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing !== undefined) return parseEncryptionKeys(existing);
  await mkdir(dirname(file), { recursive: true });
  const generated = `local:${randomBytes(32).toString("base64")}`;
  // Written aside and linked into place (atomic, fails if the file exists): when two services
  // start together, one key wins and the other reads it, never a half-written file.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(aside, `${generated}\n`, { mode: 0o600 });
  try {
    await link(aside, file);
    return parseEncryptionKeys(generated);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return parseEncryptionKeys(await readFile(file, "utf8"));
  } finally {
    await unlink(aside);
  }
}
