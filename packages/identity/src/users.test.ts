import { eachTestSqliteStore } from "@qamesh/testkit";
import { beforeEach, describe, expect, it } from "vitest";
import { Users } from "./users.js";

describe("users", () => {
  const stores = eachTestSqliteStore();
  let users: Users;

  beforeEach(() => {
    users = new Users(stores.store());
  });

  it("finds a local user by username and password, answering unknown user and wrong password alike", async () => {
    const alice = await users.create({ username: "alice", password: "a long enough secret", globalRole: "user", origin: "local" });
    expect(await users.withPassword("ALICE", "a long enough secret")).toMatchObject({ id: alice.id });
    expect(await users.withPassword("alice", "a wrong secret!!")).toBeUndefined();
    expect(await users.withPassword("nobody", "a long enough secret")).toBeUndefined();
  });

  it("keeps usernames unique regardless of case, even when created at once", async () => {
    const attempts = await Promise.allSettled(["bob", "Bob", "BOB"].map((username) => users.create({ username, password: "a long enough secret", globalRole: "user", origin: "local" })));
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(1);
  });

  it("refuses short passwords and odd usernames, and frees a name when its user is deleted", async () => {
    await expect(users.create({ username: "carol", password: "short", globalRole: "user", origin: "local" })).rejects.toMatchObject({ field: "password" });
    await expect(users.create({ username: "*", password: "a long enough secret", globalRole: "user", origin: "local" })).rejects.toMatchObject({ field: "username" });
    const carol = await users.create({ username: "carol", password: "a long enough secret", globalRole: "user", origin: "local" });
    await users.delete(carol.id);
    expect(await users.byUsername("carol")).toBeUndefined();
    await users.create({ username: "carol", password: "a long enough secret", globalRole: "user", origin: "local" });
  });
});
