import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboundAgents, outboundFetch, RedirectRefusedError } from "./outbound-fetch.js";
import { OutboundPolicy, RefusedAddressError } from "./outbound-policy.js";

describe("fetching an address a user named", () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/moved") response.writeHead(301, { location: "http://169.254.169.254/latest/meta-data" }).end();
      else response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("connects only to addresses the policy allows, by name as well as by literal", async () => {
    await expect(outboundFetch(new OutboundPolicy())(`${base}/`)).rejects.toMatchObject({ cause: expect.any(RefusedAddressError) });
    const allowed = outboundFetch(new OutboundPolicy(["127.0.0.0/8", "::1/128"]));
    expect(await (await allowed(`${base}/`)).json()).toEqual({ ok: true });
  });

  it("refuses IP literals the policy does not allow, which no lookup sees, in every notation", async () => {
    const port = new URL(base).port;
    for (const host of ["127.0.0.1", "2130706433", "0x7f.1", "127.1", "[::ffff:7f00:1]", "0.0.0.0"]) {
      await expect(outboundFetch(new OutboundPolicy())(`http://${host}:${port}/`), host).rejects.toMatchObject({ cause: expect.any(RefusedAddressError) });
    }
  });

  it("gives axios-style clients agents that refuse IP literals as well as names", async () => {
    const { httpAgent } = outboundAgents(new OutboundPolicy());
    const port = Number(new URL(base).port);
    for (const host of ["127.0.0.1", "localhost"]) {
      const failure = await new Promise<Error>((resolve) => {
        get({ host, port, path: "/", agent: httpAgent }, () => resolve(new Error("answered"))).on("error", resolve);
      });
      expect(failure, host).toBeInstanceOf(RefusedAddressError);
    }
  });

  it("refuses to follow a redirect", async () => {
    const allowed = outboundFetch(new OutboundPolicy(["127.0.0.0/8", "::1/128"]));
    await expect(allowed(`${base}/moved`)).rejects.toBeInstanceOf(RedirectRefusedError);
  });
});
