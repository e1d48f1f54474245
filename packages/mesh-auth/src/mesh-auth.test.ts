import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateSigningKeys } from "@qamesh/signed-tokens";
import { AssertionSigner } from "./assertion-signer.js";
import { meshSigningKeys, trustedKeys } from "./mesh-keys.js";
import { AssertionVerifier } from "./principal-guard.js";

const directory = await mkdtemp(join(tmpdir(), "mesh-auth-"));
afterAll(() => rm(directory, { recursive: true, force: true }));

const alice = { kind: "user", userId: "u1", username: "alice", globalRole: "user", project: { id: "p1", role: "member" } } as const;

describe("mesh assertions", async () => {
  const gateway = await generateSigningKeys();
  const service = await generateSigningKeys();
  const verifier = await AssertionVerifier.create({ gateway: gateway.publicKey, service: service.publicKey });

  it("carries a user's global role and project role from the gateway to the services", async () => {
    const token = await (await AssertionSigner.create("gateway", gateway)).sign(alice);
    expect(await verifier.verify(token)).toEqual(alice);
  });

  it("carries a service principal signed with the services' key", async () => {
    const token = await (await AssertionSigner.create("service", service)).sign({ kind: "service", service: "connector-worker" });
    expect(await verifier.verify(token)).toEqual({ kind: "service", service: "connector-worker" });
  });

  it("carries a webhook delivery's principal, signed by the gateway only", async () => {
    const webhook = { kind: "webhook", sourceId: "s-1" } as const;
    expect(await verifier.verify(await (await AssertionSigner.create("gateway", gateway)).sign(webhook))).toEqual(webhook);
    const byService = await (await AssertionSigner.create("service", service)).sign(webhook);
    await expect(verifier.verify(byService)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("refuses a token of the right shape whose claims do not fit the key that signed it", async () => {
    const userBySevice = await (await AssertionSigner.create("service", service)).sign(alice);
    const serviceByGateway = await (await AssertionSigner.create("gateway", gateway)).sign({ kind: "service", service: "x" });
    for (const token of [userBySevice, serviceByGateway, "a.b.c", ""]) await expect(verifier.verify(token)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("signs a credential once, reuses it for the same principal, and signs afresh after a fifth of its lifetime", async () => {
    let now = Date.now();
    const signer = await AssertionSigner.create("gateway", gateway, () => now);
    const credential = signer.credentialFor(alice);
    const [first, concurrent] = await Promise.all([credential(), credential()]);
    expect(concurrent).toBe(first);
    // Alice's next request, in the same project: the same assertion; in another project: another.
    expect(await signer.credentialFor({ ...alice })()).toBe(first);
    expect(await signer.credentialFor({ ...alice, project: { id: "p2", role: "member" } })()).not.toBe(first);
    now += 60_000;
    expect(await credential()).toBe(first);
    now += 120_000;
    const renewed = await credential();
    expect(renewed).not.toBe(first);
    expect(await verifier.verify(renewed)).toEqual(alice);
  });

  it("remembers what it verified, but never a refusal", async () => {
    const token = await (await AssertionSigner.create("gateway", gateway)).sign(alice);
    const tampered = `${token.slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) {
      expect(await verifier.verify(token)).toEqual(alice);
      await expect(verifier.verify(tampered)).rejects.toMatchObject({ code: "unauthenticated" });
    }
  });
});

describe("mesh keys", () => {
  it("generates one key file for every service on a machine, private to its owner, and agrees on it", async () => {
    const config = { MESH_KEYS_FILE: join(directory, "keys", "mesh-keys.json") };
    const [trusted, signing] = await Promise.all([trustedKeys(config), meshSigningKeys("gateway", undefined, config, "GATEWAY_SIGNING_KEYS")]);
    expect(signing.publicKey).toEqual(trusted.gateway);
    expect((await stat(config.MESH_KEYS_FILE)).mode & 0o777).toBe(0o600);
    expect(await trustedKeys(config)).toEqual(trusted);
  });

  it("refuses at start-up a signing pair the mesh would not believe, or one given without the public keys", async () => {
    const gateway = await generateSigningKeys();
    const other = await generateSigningKeys();
    const publicKeys = JSON.stringify({ gateway: other.publicKey, service: other.publicKey });
    const config = { MESH_KEYS_FILE: join(directory, "unused.json"), MESH_PUBLIC_KEYS: publicKeys };
    await expect(meshSigningKeys("gateway", JSON.stringify(gateway), config, "GATEWAY_SIGNING_KEYS")).rejects.toThrow(/GATEWAY_SIGNING_KEYS is not the gateway key pair/);
    await expect(meshSigningKeys("gateway", JSON.stringify(gateway), { MESH_KEYS_FILE: config.MESH_KEYS_FILE }, "GATEWAY_SIGNING_KEYS")).rejects.toThrow(/go together/);
    await expect(meshSigningKeys("service", undefined, config, "SERVICE_SIGNING_KEYS")).rejects.toThrow(/go together/);
    expect((await meshSigningKeys("gateway", JSON.stringify(other), config, "GATEWAY_SIGNING_KEYS")).publicKey).toEqual(other.publicKey);
  });
});
