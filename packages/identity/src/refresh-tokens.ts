import { createHash, randomBytes, randomUUID } from "node:crypto";
import { isAppError } from "@qamesh/errors";
import type { DocumentStore } from "@qamesh/ports";
import {
  identityCollections,
  identityScope,
  type RefreshFamilyRecord,
  type RefreshRotationRecord,
  type RefreshTokenRecord,
} from "./identity-records.js";

export const refreshTokenLifetimeSeconds = 30 * 24 * 3600;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

export type RotationResult =
  | { outcome: "rotated"; userId: string; familyId: string; token: string }
  /** An already-rotated token came back: its whole family is now revoked (write it to the audit log). */
  | { outcome: "reused"; userId: string; familyId: string }
  /** Unknown, expired, revoked, or lost a race with a concurrent refresh of the same token. */
  | { outcome: "refused" };

/**
 * Refresh tokens with rotation and reuse detection. Each login starts a family; each refresh
 * exchanges the presented token for the next of its family. Presenting a token that was already
 * exchanged means two parties hold the chain (one stole it): the family is revoked, and with it
 * the newest token and every access token issued from the family. Two refreshes of one token at
 * once: exactly one wins (a rotation record per token, written in the same transaction as the
 * exchange, collides for the second).
 */
export class RefreshTokens {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A new family for a login, and its first token. */
  async start(userId: string): Promise<{ familyId: string; token: string }> {
    const familyId = randomUUID();
    const now = this.clock();
    const token = newToken();
    await this.store.transaction(async (tx) => {
      await tx.collection<RefreshFamilyRecord>(identityCollections.refreshFamilies).insert({
        id: familyId,
        projectId: identityScope,
        userId,
        createTime: now.toISOString(),
        revokeTime: null,
        revokeReason: null,
      });
      await tx.collection<RefreshTokenRecord>(identityCollections.refreshTokens).insert(this.record(token, userId, familyId, now));
    });
    return { familyId, token };
  }

  async rotate(token: string): Promise<RotationResult> {
    const tokens = this.store.collection<RefreshTokenRecord>(identityCollections.refreshTokens);
    const presented = await tokens.get(identityScope, hashOf(token));
    if (!presented) return { outcome: "refused" };
    const family = await this.family(presented.familyId);
    if (!family || family.revokeTime !== null) return { outcome: "refused" };
    if (presented.rotateTime !== null) {
      await this.revokeFamily(presented.familyId, "a rotated refresh token was presented again");
      return { outcome: "reused", userId: presented.userId, familyId: presented.familyId };
    }
    const now = this.clock();
    if (Date.parse(presented.expireTime) <= now.getTime()) return { outcome: "refused" };
    const next = newToken();
    try {
      await this.store.transaction(async (tx) => {
        await tx.collection<RefreshRotationRecord>(identityCollections.refreshRotations).insert({ id: presented.id, projectId: identityScope });
        await tx.collection<RefreshTokenRecord>(identityCollections.refreshTokens).put({ ...presented, rotateTime: now.toISOString() });
        await tx.collection<RefreshTokenRecord>(identityCollections.refreshTokens).insert(this.record(next, presented.userId, presented.familyId, now));
      });
    } catch (error) {
      if (isAppError(error) && error.code === "already_exists") return { outcome: "refused" };
      throw error;
    }
    return { outcome: "rotated", userId: presented.userId, familyId: presented.familyId, token: next };
  }

  /** Logout, a detected reuse, a deleted user: the family's tokens and access tokens stop working. */
  async revokeFamily(familyId: string, reason: string): Promise<void> {
    const families = this.store.collection<RefreshFamilyRecord>(identityCollections.refreshFamilies);
    const family = await families.get(identityScope, familyId);
    if (!family || family.revokeTime !== null) return;
    await families.put({ ...family, revokeTime: this.clock().toISOString(), revokeReason: reason });
  }

  /** Every login of a user (a password reset): their refresh and access tokens stop working. */
  async revokeAllOf(userId: string, reason: string): Promise<number> {
    const families = await this.store.collection<RefreshFamilyRecord>(identityCollections.refreshFamilies).find({ projectId: identityScope, userId });
    const active = families.filter((family) => family.revokeTime === null);
    for (const family of active) await this.revokeFamily(family.id, reason);
    return active.length;
  }

  /** Whether a family (a login) exists and is not revoked. */
  async isActive(familyId: string): Promise<boolean> {
    const family = await this.family(familyId);
    return family !== undefined && family.revokeTime === null;
  }

  /** The family of a presented refresh token (for logout by token), if the token is known. */
  async familyOf(token: string): Promise<string | undefined> {
    return (await this.store.collection<RefreshTokenRecord>(identityCollections.refreshTokens).get(identityScope, hashOf(token)))?.familyId;
  }

  private family(familyId: string): Promise<RefreshFamilyRecord | undefined> {
    return this.store.collection<RefreshFamilyRecord>(identityCollections.refreshFamilies).get(identityScope, familyId);
  }

  private record(token: string, userId: string, familyId: string, now: Date): RefreshTokenRecord {
    return {
      id: hashOf(token),
      projectId: identityScope,
      userId,
      familyId,
      createTime: now.toISOString(),
      expireTime: new Date(now.getTime() + refreshTokenLifetimeSeconds * 1000).toISOString(),
      rotateTime: null,
    };
  }
}

/** 256 random bits; the prefix makes a leaked token recognisable to secret scanners. */
function newToken(): string {
  return `qmr_${randomBytes(32).toString("base64url")}`;
}
