import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ApiKeys, LdapDirectory, Memberships, RefreshTokens, Users, accessTokens, type LdapSettings, type UserRecord } from "@qamesh/identity";
import { AssertionSigner } from "@qamesh/mesh-auth";
import { TokenSigner, TokenVerifier, type SigningKeys } from "@qamesh/signed-tokens";
import { isAppError } from "@qamesh/errors";
import type { Logger } from "@qamesh/logger";
import type { DocumentStore } from "@qamesh/ports";
import { AuditLog } from "./audit/audit-log.js";

/** Everything the gateway knows about callers, over its own store. */
export interface GatewayIdentity {
  /** Logins, users, keys, memberships, projects and sources changing hands are written here. */
  audit: AuditLog;
  users: Users;
  memberships: Memberships;
  refreshTokens: RefreshTokens;
  apiKeys: ApiKeys;
  accessTokenSigner: TokenSigner;
  accessTokenVerifier: TokenVerifier;
  /** Tells the services who each request is for (same key pair, another kind of token). */
  assertions: AssertionSigner;
  /** When configured: users who log in with their directory account. */
  directory: LdapDirectory | undefined;
}

export async function gatewayIdentity(store: DocumentStore, keys: SigningKeys, logger: Logger, ldap?: LdapSettings): Promise<GatewayIdentity> {
  return {
    audit: new AuditLog(store, logger),
    users: new Users(store),
    memberships: new Memberships(store),
    refreshTokens: new RefreshTokens(store),
    apiKeys: new ApiKeys(store),
    accessTokenSigner: await TokenSigner.create(accessTokens, keys.privateKey),
    accessTokenVerifier: await TokenVerifier.create(accessTokens, keys.publicKey),
    assertions: await AssertionSigner.create("gateway", keys),
    directory: ldap ? new LdapDirectory(ldap) : undefined,
  };
}

/**
 * The user a username and password stand for. A local account is checked against its argon2id
 * hash; any other name, when a directory is configured, against the directory, and provisioned on
 * its first login (a global admin while in the directory's admin group). A directory never logs
 * in as a local account of the same name.
 */
export async function userForLogin(identity: GatewayIdentity, username: string, password: string): Promise<UserRecord | undefined> {
  if (!password) return undefined;
  const known = await identity.users.byUsername(username);
  if (known?.origin === "local" || !identity.directory) return identity.users.withPassword(username, password);
  const vouched = await identity.directory.authenticate(username, password);
  if (!vouched) return undefined;
  const globalRole = vouched.isAdmin ? "admin" : "user";
  if (!known) return identity.users.create({ username: vouched.username, globalRole, origin: "ldap" });
  return known.globalRole === globalRole ? known : identity.users.update(known.id, { globalRole });
}

export const rootUsername = "root";

/**
 * On a store with no users, creates `root` (global admin): with `password` when the deployment
 * gives one, else (one machine) with a generated one, printed once and written to
 * `generatedPasswordFile` (mode 0600). A restart finds users and changes nothing; of several
 * replicas starting together on an empty store, one creates root and the others carry on.
 */
export async function bootstrapRoot(identity: GatewayIdentity, options: { password?: string | undefined; generatedPasswordFile?: string | undefined; logger: Logger }): Promise<void> {
  if (await identity.users.any()) return;
  if (!options.password && !options.generatedPasswordFile) throw new Error("there are no users yet: set QAMESH_ROOT_PASSWORD to create the first administrator (root)");
  const password = options.password ?? randomBytes(18).toString("base64url");
  try {
    await identity.users.create({ username: rootUsername, password, globalRole: "admin", origin: "local" });
  } catch (error) {
    if (isAppError(error) && error.code === "already_exists") return;
    throw error;
  }
  options.logger.info({ username: rootUsername }, "created the first administrator");
  // Only the password root really has is written down and shown.
  if (!options.password && options.generatedPasswordFile) {
    await mkdir(dirname(options.generatedPasswordFile), { recursive: true });
    await writeFile(options.generatedPasswordFile, `${password}\n`, { mode: 0o600 });
    process.stdout.write(`\nqamesh created the administrator "${rootUsername}" with the password ${password}\n(also in ${options.generatedPasswordFile}, readable by you only; it is not shown again)\n`);
  }
}
