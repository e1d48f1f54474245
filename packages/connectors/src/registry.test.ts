import { tmpdir } from "node:os";
import { AllowedRoots, OutboundPolicy } from "@qamesh/source-safety";
import { describe, expect, it } from "vitest";
import { sourceTypeNamed } from "./registry.js";

const environment = { allowedRoots: new AllowedRoots([tmpdir()]), outboundPolicy: new OutboundPolicy(["127.0.0.0/8"]) };

describe("the source type registry", () => {
  it("refuses an unknown type, naming the field and the types there are", () => {
    expect(() => sourceTypeNamed("svn")).toThrow(expect.objectContaining({ code: "invalid_argument", field: "type", message: expect.stringContaining("local, git") }));
  });

  it("checks settings with the type's schema, errors naming the request body's field", async () => {
    await expect(sourceTypeNamed("local").check({ path: "relative/dir" }, {}, environment)).rejects.toMatchObject({ field: "path" });
    await expect(sourceTypeNamed("local").check({ path: "/etc" }, {}, environment)).rejects.toMatchObject({ field: "path", message: expect.stringContaining("outside") });
    await expect(sourceTypeNamed("git").check({ url: 42 }, {}, environment)).rejects.toMatchObject({ field: "url" });
    await expect(sourceTypeNamed("git").check({ url: "ext::sh -c id" }, {}, environment)).rejects.toMatchObject({ field: "url" });
  });

  it("takes git credentials out of the URL into the secrets, and knows one repository however its URL is spelled", async () => {
    const git = sourceTypeNamed("git");
    const checked = await git.check({ url: "https://bob:tok3n@127.0.0.1/Shop.git", branch: "main" }, {}, environment);
    expect(checked).toEqual({ config: { url: "https://127.0.0.1/Shop.git", branch: "main" }, secrets: { credentials: { username: "bob", password: "tok3n" } } });
    expect(git.identity(checked.config)).toBe(git.identity({ url: "https://127.0.0.1/Shop/", branch: "main" }));
    expect(git.identity(checked.config)).not.toBe(git.identity({ url: "https://127.0.0.1/Shop/", branch: "dev" }));
    await expect(git.check({ url: "https://bob:x@127.0.0.1/a.git" }, { credentials: { password: "y" } }, environment)).rejects.toMatchObject({ field: "credentials" });
  });
});
