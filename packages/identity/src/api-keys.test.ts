import { readFile } from "node:fs/promises";
import { eachTestSqliteStore } from "@qamesh/testkit";
import { beforeEach, describe, expect, it } from "vitest";
import { ApiKeys } from "./api-keys.js";

describe("API keys", () => {
  const stores = eachTestSqliteStore();
  let keys: ApiKeys;

  beforeEach(() => {
    keys = new ApiKeys(stores.store());
  });

  it("shows a key once, stores only a hash of it, and recognises it", async () => {
    const { key, record } = await keys.create("alice", { name: "ci", projectIds: ["p1"], role: "member" });
    expect(key).toMatch(/^qm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await keys.authenticate(key)).toMatchObject({ id: record.id, userId: "alice", projectIds: ["p1"], role: "member" });
    const stored = await readFile(stores.file());
    expect(stored.length).toBeGreaterThan(0);
    // The secret is everything after "qm_<id>_" (base64url: it may hold "_" itself).
    const secret = key.slice("qm_".length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(stored.includes(secret)).toBe(false);
  });

  it("refuses a key with a wrong secret, a malformed one, an expired one and a deleted one", async () => {
    const { key, record } = await keys.create("alice", { name: "ci" });
    const wrong = key.slice(0, -4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await keys.authenticate(wrong)).toBeUndefined();
    expect(await keys.authenticate("qm_nothing")).toBeUndefined();
    const expiring = await keys.create("alice", { name: "short", expiresAt: new Date(Date.now() + 1000) });
    expect(await new ApiKeys(stores.store(), () => new Date(Date.now() + 2000)).authenticate(expiring.key)).toBeUndefined();
    await expect(keys.delete("mallory", record.id)).rejects.toMatchObject({ code: "not_found" });
    await keys.delete("alice", record.id);
    expect(await keys.authenticate(key)).toBeUndefined();
  });
});
