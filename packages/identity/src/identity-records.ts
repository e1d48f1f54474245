import type { GlobalRole, ProjectRole } from "@qamesh/authorization";
import type { DocumentIndex, StoredDocument } from "@qamesh/ports";

/**
 * Users, refresh tokens and API keys belong to no project: they live in one scope of their own
 * (the DocumentStore scopes every record). Memberships are per project and use its id.
 */
export const identityScope = "_identity";

export const identityCollections = {
  users: "users",
  usernames: "usernames",
  refreshTokens: "refresh_tokens",
  refreshFamilies: "refresh_token_families",
  refreshRotations: "refresh_token_rotations",
  apiKeys: "api_keys",
  memberships: "memberships",
} as const;

/** A user's role in a project: a record of that project, keyed by the user's id. */
export interface MembershipRecord extends StoredDocument {
  userId: string;
  role: ProjectRole;
  createTime: string;
}

export interface UserRecord extends StoredDocument {
  username: string;
  /** argon2id PHC string; null for directory (LDAP) users, whose password the directory checks. */
  passwordHash: string | null;
  origin: "local" | "ldap";
  globalRole: GlobalRole;
  createTime: string;
  updateTime: string;
}

/** Keyed by the lower-cased username: one user per name. */
export interface UsernameRecord extends StoredDocument {
  userId: string;
}

/** A refresh token, stored under the SHA-256 of its value (the value itself is never stored). */
export interface RefreshTokenRecord extends StoredDocument {
  userId: string;
  familyId: string;
  createTime: string;
  expireTime: string;
  /** When it was exchanged for the next one; presenting it again after that is a reuse. */
  rotateTime: string | null;
}

/**
 * The chain of refresh tokens one login started. Revoking it ends every token of the chain and
 * every access token issued from it (they name their family).
 */
export interface RefreshFamilyRecord extends StoredDocument {
  userId: string;
  createTime: string;
  revokeTime: string | null;
  revokeReason: string | null;
}

/** Written once per rotated token: a second writer for the same token fails, so one refresh wins. */
export type RefreshRotationRecord = StoredDocument;

/** An API key: `qm_<id>_<secret>`, stored with the SHA-256 of its secret only. */
export interface ApiKeyRecord extends StoredDocument {
  userId: string;
  name: string;
  secretHash: string;
  /** Only these projects; null: every project of its owner. */
  projectIds: string[] | null;
  /** At most this role; null: its owner's role. */
  role: ProjectRole | null;
  expireTime: string | null;
  createTime: string;
}

export const identityIndexes: readonly DocumentIndex[] = [
  { collection: identityCollections.refreshTokens, fields: ["projectId", "familyId"] },
  { collection: identityCollections.refreshFamilies, fields: ["projectId", "userId"] },
  { collection: identityCollections.apiKeys, fields: ["projectId", "userId"] },
  { collection: identityCollections.memberships, fields: ["userId"] },
];
