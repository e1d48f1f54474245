import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { simpleGit, type SimpleGit } from "simple-git";

/** A real git repository on disk that a test writes, commits to, and hands out as a file:// URL. */
export class GitRepositoryFixture {
  private constructor(
    readonly path: string,
    private readonly git: SimpleGit,
  ) {}

  static async create(path: string, branch = "main"): Promise<GitRepositoryFixture> {
    await mkdir(path, { recursive: true });
    const git = simpleGit(path);
    await git.init(["--initial-branch", branch]);
    await git.addConfig("user.name", "qamesh test");
    await git.addConfig("user.email", "test@qamesh.invalid");
    await git.addConfig("commit.gpgsign", "false");
    return new GitRepositoryFixture(path, git);
  }

  get url(): string {
    return pathToFileURL(this.path).href;
  }

  async write(files: Record<string, string | Uint8Array>): Promise<void> {
    for (const [file, content] of Object.entries(files)) {
      const target = join(this.path, file);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }

  async remove(file: string): Promise<void> {
    await rm(join(this.path, file));
  }

  /** Switches to `branch`, creating it at the current commit when asked. */
  async checkout(branch: string, create = false): Promise<void> {
    await this.git.checkout(create ? ["-b", branch] : [branch]);
  }

  /** Moves the current branch back to `commit`, dropping what came after (what a force push publishes). */
  async resetHard(commit: string): Promise<void> {
    await this.git.reset(["--hard", commit]);
  }

  /** Stages everything and commits; returns the commit id. */
  async commit(message: string): Promise<string> {
    await this.git.add(["-A"]);
    const result = await this.git.commit(message);
    return (await this.git.revparse(["HEAD"])).trim() || result.commit;
  }
}
