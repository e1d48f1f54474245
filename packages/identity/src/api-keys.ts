import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ProjectRole } from "@qamesh/authorization";
import { invalidArgument, notFound } from "@qamesh/errors";
import type { DocumentStore } from "@qamesh/ports";
import { identityCollections, identityScope, type ApiKeyRecord } from "./identity-records.js";

const keyPattern = /^qm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const hashOf = (secret: string) => createHash("sha256").update(secret).digest();

/** What a key may be narrowed to when it is made. */
export interface ApiKeyScope {
  name: string;
  projectIds?: string[] | undefined;
  role?: ProjectRole | undefined;
  expiresAt?: Date | undefined;
}

/**
 * API keys for scripts, CI and SDKs: `qm_<id>_<secret>`, shown once. Only the SHA-256 of the
 * secret is stored (a key has 256 random bits, so a fast hash is enough; a password's would not
 * be), compared in constant time. A key acts for its owner, never with more than the owner has.
 */
export class ApiKeys {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(userId: string, scope: ApiKeyScope): Promise<{ record: ApiKeyRecord; key: string }> {
    const now = this.clock();
    if (scope.expiresAt && scope.expiresAt.getTime() <= now.getTime()) throw invalidArgument("expiresAt", "expiresAt must be in the future");
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const record: ApiKeyRecord = {
      id,
      projectId: identityScope,
      userId,
      name: scope.name,
      secretHash: hashOf(secret).toString("hex"),
      projectIds: scope.projectIds ?? null,
      role: scope.role ?? null,
      expireTime: scope.expiresAt?.toISOString() ?? null,
      createTime: now.toISOString(),
    };
    await this.keys().insert(record);
    return { record, key: `qm_${id}_${secret}` };
  }

  /** The key's record when the key is genuine and not expired; undefined otherwise. */
  async authenticate(key: string): Promise<ApiKeyRecord | undefined> {
    const match = keyPattern.exec(key);
    if (!match) return undefined;
    const record = await this.keys().get(identityScope, match[1]!);
    if (!record || !timingSafeEqual(hashOf(match[2]!), Buffer.from(record.secretHash, "hex"))) return undefined;
    if (record.expireTime !== null && Date.parse(record.expireTime) <= this.clock().getTime()) return undefined;
    return record;
  }

  list(userId: string): Promise<ApiKeyRecord[]> {
    return this.keys().find({ projectId: identityScope, userId }, { sort: { field: "createTime", direction: "asc" } });
  }

  /** Only the owner's own keys can be deleted through this; anyone else's look absent. */
  async delete(userId: string, keyId: string): Promise<ApiKeyRecord> {
    const record = await this.keys().get(identityScope, keyId);
    if (!record || record.userId !== userId) throw notFound(`API key ${keyId} not found`);
    await this.keys().delete({ projectId: identityScope, id: keyId });
    return record;
  }

  /** Every key of a user, when the user is deleted. */
  async deleteAllOf(userId: string): Promise<number> {
    return this.keys().delete({ projectId: identityScope, userId });
  }

  private keys() {
    return this.store.collection<ApiKeyRecord>(identityCollections.apiKeys);
  }
}

/** Whether a bearer credential is an API key (else it is taken for an access token). */
export const looksLikeApiKey = (credential: string) => credential.startsWith("qm_");
