import { z } from "zod";
import { encryptionKeyFromFile, parseEncryptionKeys } from "./encryption-keys.js";
import { SecretBox } from "./secret-box.js";

/** Settings of the services that seal or open stored secrets (ingestion and the connector workers). */
export const secretsConfigShape = {
  /**
   * Comma-separated `<id>:<base64 of 32 bytes>` (a Kubernetes Secret); the first seals, all
   * open. Every service that handles the same secrets needs the same list.
   */
  ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      try {
        if (parseEncryptionKeys(value).length === 0) context.addIssue({ code: "custom", message: "lists no key" });
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** Without ENCRYPTION_KEYS: a key kept in this file, generated on first use (mode 0600). */
  ENCRYPTION_KEY_FILE: z.string().min(1).default("./data/encryption.key"),
};

export async function openSecretBox(config: { ENCRYPTION_KEYS?: string | undefined; ENCRYPTION_KEY_FILE: string }): Promise<SecretBox> {
  const keys = config.ENCRYPTION_KEYS ? parseEncryptionKeys(config.ENCRYPTION_KEYS) : await encryptionKeyFromFile(config.ENCRYPTION_KEY_FILE);
  return new SecretBox(keys);
}
