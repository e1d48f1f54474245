import { eachTestSqliteStore } from "@qamesh/testkit";
import { beforeEach, describe, expect, it } from "vitest";
import { RefreshTokens } from "./refresh-tokens.js";

describe("refresh tokens: rotation with reuse detection", () => {
  const stores = eachTestSqliteStore();
  let tokens: RefreshTokens;

  beforeEach(() => {
    tokens = new RefreshTokens(stores.store());
  });

  it("exchanges each token once for the next of its family", async () => {
    const { token, familyId } = await tokens.start("alice");
    const first = await tokens.rotate(token);
    expect(first).toMatchObject({ outcome: "rotated", userId: "alice", familyId });
    const second = await tokens.rotate((first as { token: string }).token);
    expect(second).toMatchObject({ outcome: "rotated", familyId });
    expect(await tokens.isActive(familyId)).toBe(true);
  });

  it("revokes the whole family when a rotated token comes back, newest token included", async () => {
    const { token, familyId } = await tokens.start("alice");
    const rotated = (await tokens.rotate(token)) as { token: string };
    expect(await tokens.rotate(token)).toEqual({ outcome: "reused", userId: "alice", familyId });
    expect(await tokens.isActive(familyId)).toBe(false);
    expect(await tokens.rotate(rotated.token)).toEqual({ outcome: "refused" });
  });

  it("lets exactly one of two concurrent refreshes of one token win", async () => {
    const { token, familyId } = await tokens.start("alice");
    const results = await Promise.all([tokens.rotate(token), tokens.rotate(token), tokens.rotate(token)]);
    expect(results.filter((result) => result.outcome === "rotated")).toHaveLength(1);
    expect(await tokens.isActive(familyId)).toBe(true);
  });

  it("refuses unknown and expired tokens, and every token of a family revoked by logout", async () => {
    expect(await tokens.rotate("qmr_made-up")).toEqual({ outcome: "refused" });
    const later = new RefreshTokens(stores.store(), () => new Date(Date.now() + 31 * 24 * 3600 * 1000));
    const { token } = await tokens.start("alice");
    expect(await later.rotate(token)).toEqual({ outcome: "refused" });
    const login = await tokens.start("bob");
    await tokens.revokeFamily(login.familyId, "logout");
    expect(await tokens.rotate(login.token)).toEqual({ outcome: "refused" });
  });
});
