import { describe, expect, it } from "vitest";
import { passwordHasher } from "./password-hasher.js";

describe("password hashing", () => {
  it("stores argon2id hashes that verify the password and nothing else", async () => {
    const stored = await passwordHasher.hash("correct horse battery staple");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expect(stored).not.toContain("correct horse");
    expect(await passwordHasher.verify(stored, "correct horse battery staple")).toBe(true);
    expect(await passwordHasher.verify(stored, "correct horse battery stapler")).toBe(false);
    expect(await passwordHasher.verify("not a hash", "anything")).toBe(false);
    expect(await passwordHasher.verifyNobody("anything")).toBe(false);
  });

  it("salts: the same password hashes differently twice", async () => {
    expect(await passwordHasher.hash("same")).not.toBe(await passwordHasher.hash("same"));
  });
});
