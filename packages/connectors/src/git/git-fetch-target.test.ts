import { OutboundPolicy } from "@qamesh/source-safety";
import { describe, expect, it } from "vitest";
import { pinnedFetchTarget } from "./git-fetch-target.js";

describe("the address git fetches from is the one that was checked", () => {
  const loopbackAllowed = new OutboundPolicy(["127.0.0.0/8", "::1/128"]);

  it("pins an http(s) host to its checked addresses and turns redirects off", async () => {
    const target = await pinnedFetchTarget("http://localhost:8123/team/repo.git", loopbackAllowed);
    expect(target.url).toBe("http://localhost:8123/team/repo.git");
    const resolve = target.config.find(([key]) => key === "http.curloptResolve")![1];
    expect(resolve).toMatch(/^localhost:8123:/);
    for (const address of resolve.slice("localhost:8123:".length).split(",")) expect(["127.0.0.1", "[::1]"]).toContain(address);
    expect(target.config).toContainEqual(["http.followRedirects", "false"]);
    expect((await pinnedFetchTarget("https://localhost/r.git", loopbackAllowed)).config[0]![1]).toMatch(/^localhost:443:/);
  });

  it("puts the checked address into a git:// URL", async () => {
    const target = await pinnedFetchTarget("git://127.1:9000/repo.git", loopbackAllowed);
    expect(target.url).toBe("git://127.0.0.1:9000/repo.git");
  });

  it("refuses before git runs when the policy does not allow the address, without saying what is there", async () => {
    await expect(pinnedFetchTarget("http://localhost:8123/repo.git", new OutboundPolicy())).rejects.toThrow(
      "could not fetch http://localhost:8123/repo.git: its host points to a loopback, private, link-local or otherwise internal address",
    );
    await expect(pinnedFetchTarget("git@127.0.0.1:repo.git", new OutboundPolicy())).rejects.toThrow(/internal address/);
  });
});
