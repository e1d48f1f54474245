import { describe, expect, it } from "vitest";
import { redactUrlCredentials, splitGitUrlCredentials } from "./git-url-credentials.js";

describe("credentials in git URLs", () => {
  it("takes user and token out of an https URL", () => {
    expect(splitGitUrlCredentials("https://alice:s3cr%40t@git.example.com/team/repo.git")).toEqual({
      url: "https://git.example.com/team/repo.git",
      credentials: { username: "alice", password: "s3cr@t" },
    });
    expect(splitGitUrlCredentials("https://ghp_TOKEN@github.com/o/r")).toEqual({
      url: "https://github.com/o/r",
      credentials: { username: "ghp_TOKEN", password: "" },
    });
    expect(splitGitUrlCredentials("https://github.com/o/r").credentials).toBeUndefined();
  });

  it("leaves an ssh user alone and refuses a password in an ssh URL", () => {
    expect(splitGitUrlCredentials("ssh://git@host/repo.git")).toEqual({ url: "ssh://git@host/repo.git", credentials: undefined });
    expect(() => splitGitUrlCredentials("ssh://git:hunter2@host/repo.git")).toThrow(/cannot carry a password/);
  });

  it("redacts userinfo in any text, such as git's error messages", () => {
    expect(redactUrlCredentials("fatal: unable to access 'https://user:TOKEN@host/r.git/': 403")).toBe("fatal: unable to access 'https://***@host/r.git/': 403");
    expect(redactUrlCredentials("could not fetch http://TOKEN@10.0.0.1/x and ssh://git@h/y")).toBe("could not fetch http://***@10.0.0.1/x and ssh://***@h/y");
    expect(redactUrlCredentials("no url here")).toBe("no url here");
  });
});
