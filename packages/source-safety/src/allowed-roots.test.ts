import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AllowedRoots } from "./allowed-roots.js";
import { localRepositoryInsideRoots } from "./local-git-repository.js";

describe("allowed roots, judged by real path", () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "qamesh-roots-"));
    root = join(base, "roots");
    outside = join(base, "elsewhere");
    await mkdir(join(root, "project"), { recursive: true });
    await mkdir(outside, { recursive: true });
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("accepts a folder inside a root, and one not created yet", async () => {
    const roots = new AllowedRoots([root]);
    expect(await roots.contains(join(root, "project"))).toBe(true);
    expect(await roots.contains(join(root, "later", "created"))).toBe(true);
  });

  it("refuses a link inside a root that points outside it, and anything below that link", async () => {
    await symlink(outside, join(root, "link"));
    const roots = new AllowedRoots([root]);
    expect(await roots.contains(join(root, "link"))).toBe(false);
    expect(await roots.contains(join(root, "link", "deeper", "not-yet"))).toBe(false);
    expect(await roots.contains(join(root, "project", "..", "..", "elsewhere"))).toBe(false);
  });

  it("judges a root that is itself a link by its target", async () => {
    await symlink(root, join(base, "root-link"));
    const roots = new AllowedRoots([join(base, "root-link")]);
    expect(await roots.contains(join(root, "project"))).toBe(true);
    expect(await roots.contains(outside)).toBe(false);
  });

  it("refuses a repository inside a root whose .git, gitdir file or alternates lead outside", async () => {
    const roots = new AllowedRoots([root]);
    await mkdir(join(outside, "real.git", "objects", "info"), { recursive: true });

    const linked = join(root, "linked-git");
    await mkdir(linked);
    await symlink(join(outside, "real.git"), join(linked, ".git"));
    expect(await localRepositoryInsideRoots(linked, roots)).toBe(false);

    const pointer = join(root, "gitdir-file");
    await mkdir(pointer);
    await writeFile(join(pointer, ".git"), `gitdir: ${join(outside, "real.git")}\n`);
    expect(await localRepositoryInsideRoots(pointer, roots)).toBe(false);

    const borrowing = join(root, "borrowing.git");
    await mkdir(join(borrowing, "objects", "info"), { recursive: true });
    await writeFile(join(borrowing, "objects", "info", "alternates"), `${join(outside, "real.git", "objects")}\n`);
    expect(await localRepositoryInsideRoots(borrowing, roots)).toBe(false);

    const plain = join(root, "plain");
    await mkdir(join(plain, ".git", "objects", "info"), { recursive: true });
    expect(await localRepositoryInsideRoots(plain, roots)).toBe(true);
  });
});
