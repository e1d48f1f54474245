import { randomUUID } from "node:crypto";
import type { GlobalRole } from "@qamesh/authorization";
import { alreadyExists, invalidArgument, isAppError, notFound } from "@qamesh/errors";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import type { DocumentStore } from "@qamesh/ports";
import { identityCollections, identityScope, type UserRecord, type UsernameRecord } from "./identity-records.js";
import { passwordHasher } from "./password-hasher.js";

const usernamePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const minimumPasswordLength = 12;

/** Usernames are unique regardless of case: `Alice` and `alice` are one user. */
const usernameKey = (username: string) => username.toLowerCase();

/**
 * The users qamesh knows: local ones with an argon2id password hash, and directory (LDAP) ones
 * provisioned at their first login, which have none. A username record written in the same
 * transaction keeps usernames unique, even when two requests race.
 */
export class Users {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(input: { username: string; password?: string | undefined; globalRole: GlobalRole; origin: UserRecord["origin"] }): Promise<UserRecord> {
    if (!usernamePattern.test(input.username)) throw invalidArgument("username", "username must be 1-100 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
    if (input.origin === "local") checkPassword(input.password);
    const now = this.clock().toISOString();
    const user: UserRecord = {
      id: randomUUID(),
      projectId: identityScope,
      username: input.username,
      passwordHash: input.origin === "local" ? await passwordHasher.hash(input.password!) : null,
      origin: input.origin,
      globalRole: input.globalRole,
      createTime: now,
      updateTime: now,
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.collection<UsernameRecord>(identityCollections.usernames).insert({ id: usernameKey(user.username), projectId: identityScope, userId: user.id });
        await tx.collection<UserRecord>(identityCollections.users).insert(user);
      });
    } catch (error) {
      if (isAppError(error) && error.code === "already_exists") throw alreadyExists(`user ${input.username} already exists`);
      throw error;
    }
    return user;
  }

  async get(userId: string): Promise<UserRecord | undefined> {
    return this.users().get(identityScope, userId);
  }

  async byUsername(username: string): Promise<UserRecord | undefined> {
    const entry = await this.store.collection<UsernameRecord>(identityCollections.usernames).get(identityScope, usernameKey(username));
    return entry ? this.get(entry.userId) : undefined;
  }

  /** A page of all users, oldest first. */
  list(page: PageRequest): Promise<Page<UserRecord>> {
    return findPage(this.users(), { projectId: identityScope }, { field: "createTime", direction: "asc" }, page);
  }

  /** Whether anyone besides `userId` is a global admin (the last one may not go). */
  async otherAdminThan(userId: string): Promise<boolean> {
    const admins = await this.users().find({ projectId: identityScope, globalRole: "admin" }, { limit: 2 });
    return admins.some((admin) => admin.id !== userId);
  }

  async any(): Promise<boolean> {
    return (await this.users().find({ projectId: identityScope }, { limit: 1 })).length > 0;
  }

  /**
   * The user whose local password this is. Unknown users cost the same time as a wrong password,
   * and the caller answers both alike.
   */
  async withPassword(username: string, password: string): Promise<UserRecord | undefined> {
    const user = await this.byUsername(username);
    if (!user?.passwordHash) {
      await passwordHasher.verifyNobody(password);
      return undefined;
    }
    return (await passwordHasher.verify(user.passwordHash, password)) ? user : undefined;
  }

  async update(userId: string, patch: { password?: string | undefined; globalRole?: GlobalRole | undefined }): Promise<UserRecord> {
    const user = await this.get(userId);
    if (!user) throw notFound(`user ${userId} not found`);
    if (patch.password !== undefined && user.origin !== "local") throw invalidArgument("password", "a directory user's password is kept by the directory");
    if (patch.password !== undefined) checkPassword(patch.password);
    const updated: UserRecord = {
      ...user,
      ...(patch.password === undefined ? {} : { passwordHash: await passwordHasher.hash(patch.password) }),
      ...(patch.globalRole === undefined ? {} : { globalRole: patch.globalRole }),
      updateTime: this.clock().toISOString(),
    };
    await this.users().put(updated);
    return updated;
  }

  async delete(userId: string): Promise<UserRecord> {
    const user = await this.get(userId);
    if (!user) throw notFound(`user ${userId} not found`);
    await this.store.transaction(async (tx) => {
      await tx.collection<UsernameRecord>(identityCollections.usernames).delete({ projectId: identityScope, id: usernameKey(user.username) });
      await tx.collection<UserRecord>(identityCollections.users).delete({ projectId: identityScope, id: userId });
    });
    return user;
  }

  private users() {
    return this.store.collection<UserRecord>(identityCollections.users);
  }
}

function checkPassword(password: string | undefined): void {
  if (password === undefined || password.length < minimumPasswordLength) {
    throw invalidArgument("password", `password must be at least ${minimumPasswordLength} characters`);
  }
  if (password.length > 1024) throw invalidArgument("password", "password must be at most 1024 characters");
}
