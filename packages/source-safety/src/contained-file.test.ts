import { mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileInside } from "./contained-file.js";

describe("reading a file without leaving its folder", () => {
  let base: string;
  let folder: string;

  beforeEach(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), "qamesh-contained-")));
    folder = join(base, "folder");
    await mkdir(join(folder, "src"), { recursive: true });
    await writeFile(join(folder, "src", "a.ts"), "inside");
    await mkdir(join(base, "secrets"));
    await writeFile(join(base, "secrets", "a.ts"), "outside secret");
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("reads a file of the folder", async () => {
    expect((await readFileInside(folder, "src/a.ts", 100)).toString()).toBe("inside");
  });

  it("refuses a link to a file outside, a traversal, and an absolute path", async () => {
    await symlink(join(base, "secrets", "a.ts"), join(folder, "leak.ts"));
    await expect(readFileInside(folder, "leak.ts", 100)).rejects.toThrow(/outside the source folder/);
    await expect(readFileInside(folder, "../secrets/a.ts", 100)).rejects.toThrow(/outside the source folder/);
    await expect(readFileInside(folder, join(base, "secrets", "a.ts"), 100)).rejects.toThrow(/outside the source folder/);
  });

  it("refuses a directory swapped for a link to outside after the folder was listed", async () => {
    await rename(join(folder, "src"), join(base, "moved-away"));
    await symlink(join(base, "secrets"), join(folder, "src"));
    await expect(readFileInside(folder, "src/a.ts", 100)).rejects.toThrow(/outside the source folder/);
  });

  it("follows a link that stays inside the folder", async () => {
    await symlink(join(folder, "src", "a.ts"), join(folder, "alias.ts"));
    expect((await readFileInside(folder, "alias.ts", 100)).toString()).toBe("inside");
  });

  it("reads at most one byte past the limit of a file that grew", async () => {
    await writeFile(join(folder, "big.txt"), "x".repeat(10_000));
    expect((await readFileInside(folder, "big.txt", 100)).length).toBe(101);
  });
});
