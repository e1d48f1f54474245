import { eachTestSqliteStore } from "@qamesh/testkit";
import { beforeEach, describe, expect, it } from "vitest";
import { Memberships } from "./memberships.js";

describe("memberships", () => {
  const stores = eachTestSqliteStore();
  let memberships: Memberships;

  beforeEach(() => {
    memberships = new Memberships(stores.store());
  });

  it("keeps roles per project and lists a user's projects", async () => {
    await memberships.set("p1", "alice", "admin");
    await memberships.set("p2", "alice", "member");
    await memberships.set("p1", "bob", "member");
    expect(await memberships.role("p1", "bob")).toBe("member");
    expect(await memberships.role("p2", "bob")).toBeUndefined();
    expect((await memberships.ofUser("alice")).map((m) => [m.projectId, m.role])).toEqual([["p1", "admin"], ["p2", "member"]]);
  });

  it("never leaves a project without an admin", async () => {
    await memberships.set("p1", "alice", "admin");
    await expect(memberships.set("p1", "alice", "member")).rejects.toMatchObject({ code: "failed_precondition" });
    await expect(memberships.remove("p1", "alice")).rejects.toMatchObject({ code: "failed_precondition" });
    await memberships.set("p1", "bob", "admin");
    await memberships.set("p1", "alice", "member");
    expect(await memberships.role("p1", "alice")).toBe("member");
  });
});
