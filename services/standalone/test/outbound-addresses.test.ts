import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { freePort } from "@qamesh/config";
import { GitHttpServer, GitRepositoryFixture } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe("git fetches only from addresses the deployment allows, and its errors do not map the network", () => {
  let harness: Harness;
  let git: GitHttpServer;
  let webPage: { server: Server; url: string };
  let redirector: { server: Server; url: string };

  beforeAll(async () => {
    harness = await startHarness();
    const repository = await GitRepositoryFixture.create(join(harness.root, "served", "internal"));
    await repository.write({ "README.md": "# Internal\n\nSecret internal notes.\n" });
    await repository.commit("internal");
    git = await GitHttpServer.start(join(harness.root, "served"), "user", "pass");
    webPage = await listen((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end("<html>admin console</html>"));
    redirector = await listen((_request, response) => response.writeHead(302, { location: `${git.url}/internal/info/refs?service=git-upload-pack` }).end());
  });

  afterAll(async () => {
    await git?.stop();
    webPage?.server.close();
    redirector?.server.close();
    await harness?.stop();
  });

  const project = async (name: string) => (await harness.api("POST", "/v1/projects", { name })).body.id as string;

  it("refuses loopback, private, link-local and metadata addresses in any notation when the source is added", async () => {
    const projectId = await project("Internal addresses");
    for (const url of [
      `${git.url}/internal`,
      "http://localhost/repo.git",
      "https://169.254.169.254/latest/meta-data",
      "http://[::1]/repo.git",
      "http://[::ffff:127.0.0.1]/repo.git",
      "http://2130706433/repo.git",
      "http://0177.0.0.1/repo.git",
      "http://0.0.0.0/repo.git",
      "git://10.0.0.1/repo.git",
      "ssh://git@192.168.1.1/repo.git",
      "git@127.0.0.1:repo.git",
    ]) {
      const response = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url });
      expect(response.status, url).toBe(400);
      expect(response.body.error).toMatchObject({ field: "url", message: expect.stringContaining("does not fetch from") });
    }
    expect(git.authorizations).toEqual([]);
  });

  it("stops fetching from a source once its network is no longer allowed", async () => {
    await harness.restart({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" });
    const projectId = await project("Allowed, then not");
    expect((await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: `${git.url}/internal` })).status).toBe(201);
    await harness.restart({ OUTBOUND_ALLOWED_NETWORKS: "" });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, {});
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run.status).toBe("failed");
    expect(run.errors[0].message).toContain("does not fetch from");
    expect(git.authorizations).toEqual([]);
  });

  it("does not follow a redirect, and tells a closed port, a web page and a redirect apart by nothing", async () => {
    await harness.restart({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" });
    const projectId = await project("Probes");
    const closed = `http://127.0.0.1:${await freePort()}/repo.git`;
    const messages: string[] = [];
    for (const url of [closed, `${webPage.url}/repo.git`, `${redirector.url}/repo.git`]) {
      const source = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url });
      const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { sourceId: source.body.id });
      const run = await harness.waitForRun(projectId, started.body.id);
      expect(run.status).toBe("failed");
      messages.push(run.errors[0].message.replace(url, "<url>"));
    }
    expect(messages).toEqual([messages[0], messages[0], messages[0]]);
    expect(messages[0]).not.toMatch(/refused|html|302|redirect|connect/i);
    // The redirect pointed at a real repository; git never went there.
    expect(git.authorizations).toEqual([]);
  });
});
