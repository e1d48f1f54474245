import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AllowedRoots } from "@qamesh/source-safety";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalFolderReader } from "./local-folder-reader.js";

describe("a local folder swapped for a link between discovery and reading", () => {
  let base: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "qamesh-swap-"));
    await mkdir(join(base, "roots", "project", "config"), { recursive: true });
    await writeFile(join(base, "roots", "project", "config", "settings.txt"), "harmless");
    await mkdir(join(base, "etc"));
    await writeFile(join(base, "etc", "settings.txt"), "root:secret");
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("does not read outside content under the inside path", async () => {
    const roots = new AllowedRoots([join(base, "roots")]);
    const discovery = new LocalFolderReader(join(base, "roots", "project"), 1000, roots);
    const { files } = await discovery.discover();
    expect(files.map((file) => file.path)).toEqual(["config/settings.txt"]);

    await rename(join(base, "roots", "project", "config"), join(base, "roots", "project", "config-old"));
    await symlink(join(base, "etc"), join(base, "roots", "project", "config"));

    const batch = new LocalFolderReader(join(base, "roots", "project"), 1000, roots);
    await expect(batch.read("config/settings.txt")).rejects.toThrow(/outside the source folder/);
  });

  it("does not read the folder once it became a link to outside the roots", async () => {
    const roots = new AllowedRoots([join(base, "roots")]);
    await rename(join(base, "roots", "project"), join(base, "roots", "project-old"));
    await symlink(join(base, "etc"), join(base, "roots", "project"));
    const reader = new LocalFolderReader(join(base, "roots", "project"), 1000, roots);
    await expect(reader.discover()).rejects.toThrow(/outside the directories this server allows/);
    await expect(reader.read("settings.txt")).rejects.toThrow(/outside the directories this server allows/);
  });
});
