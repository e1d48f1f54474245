import { createHash } from "node:crypto";

/** The id git gives a blob, so local files and git files hash alike. */
export function gitBlobHash(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
