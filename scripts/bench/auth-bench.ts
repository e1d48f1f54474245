import { join } from "node:path";
import { callerOf, gatewayIdentity } from "@qamesh/gateway";
import { passwordCost } from "@qamesh/identity";
import { AssertionSigner, AssertionVerifier } from "@qamesh/mesh-auth";
import { generateSigningKeys } from "@qamesh/signed-tokens";
import { createLogger } from "@qamesh/logger";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { benchApi, percentile } from "./bench-api.js";

const rounds = Number(process.env.BENCH_AUTH_ROUNDS ?? 200);

const time = async (work: () => Promise<unknown>) => {
  const begin = performance.now();
  await work();
  return performance.now() - begin;
};
const summary = (values: number[]) => `p50 ${percentile(values, 50).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms`;

/**
 * What authentication costs: the gateway's check of a credential on its own (the exact code a
 * request runs, over an identity store of its own), what the mesh's assertions cost when they
 * are not reused (the gateway signs one per user and project, each service verifies it), search through
 * the gateway with an access token and with an API key, and login throughput with the argon2id
 * cost in use.
 */
export async function authBench(gatewayUrl: string, projectId: string, workDirectory: string): Promise<string[]> {
  const store = SqliteDocumentStore.open(join(workDirectory, "auth-bench.sqlite"));
  try {
    const identity = await gatewayIdentity(store, await generateSigningKeys(), createLogger({ service: "bench", level: "silent" }));
    const user = await identity.users.create({ username: "bench", password: "bench-password-0123", globalRole: "user", origin: "local" });
    const { familyId } = await identity.refreshTokens.start(user.id);
    const accessToken = await identity.accessTokenSigner.sign(user.id, { fam: familyId });
    const { key } = await identity.apiKeys.create(user.id, { name: "bench" });
    const tokenChecks: number[] = [];
    const keyChecks: number[] = [];
    for (let i = 0; i < rounds; i++) {
      tokenChecks.push(await time(() => callerOf(identity, accessToken)));
      keyChecks.push(await time(() => callerOf(identity, key)));
    }
    const meshKeys = { gateway: await generateSigningKeys(), service: await generateSigningKeys() };
    const signer = await AssertionSigner.create("gateway", meshKeys.gateway);
    const verifier = await AssertionVerifier.create({ gateway: meshKeys.gateway.publicKey, service: meshKeys.service.publicKey });
    const principal = { kind: "user", userId: user.id, username: "bench", globalRole: "user", project: { id: projectId, role: "member" } } as const;
    const signs: number[] = [];
    const verifies: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let assertion = "";
      signs.push(await time(async () => (assertion = await signer.sign(principal))));
      verifies.push(await time(() => verifier.verify(assertion)));
    }
    const logins: number[] = [];
    const loginStart = performance.now();
    for (let i = 0; i < 20; i++) logins.push(await time(() => identity.users.withPassword("bench", "bench-password-0123")));
    const loginsPerSecond = 20 / ((performance.now() - loginStart) / 1000);

    const { api, authorization } = benchApi(gatewayUrl);
    const apiKey = (await api("POST", "/v1/api-keys", { name: "bench search" })).key as string;
    /** Search latencies through the gateway, and the same requests less the token check (its Server-Timing "auth"). */
    const search = async (credential: string) => {
      const latencies: number[] = [];
      const withoutCheck: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const begin = performance.now();
        const response = await fetch(`${gatewayUrl}/v1/projects/${projectId}/search`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: credential },
          body: JSON.stringify({ query: `retry policy ${i}`, k: 8 }),
        });
        await response.text();
        const total = performance.now() - begin;
        const check = Number(/auth;dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1]);
        if (!Number.isFinite(check)) throw new Error("the gateway did not report its token check (Server-Timing: auth)");
        latencies.push(total);
        withoutCheck.push(total - check);
      }
      return { latencies, withoutCheck };
    };
    const withToken = await search(await authorization());
    const withKey = await search(`Bearer ${apiKey}`);
    return [
      `authentication (${rounds} rounds)`,
      `  credential check alone: access token ${summary(tokenChecks)}; API key ${summary(keyChecks)}`,
      `  mesh assertion, when not reused: signing ${summary(signs)}; verifying ${summary(verifies)} (a user's assertion for a project is reused for 2 minutes, and each service verifies a token once)`,
      `  search through the gateway with an access token: ${summary(withToken.latencies)}; the same requests without the token check ${summary(withToken.withoutCheck)}`,
      `  search through the gateway with an API key: ${summary(withKey.latencies)}; the same requests without the key check ${summary(withKey.withoutCheck)}`,
      `  login (argon2id m=${passwordCost.memoryCost / 1024} MiB, t=${passwordCost.timeCost}, p=${passwordCost.parallelism}): ${summary(logins)} each, ${loginsPerSecond.toFixed(1)} logins/s on one connection`,
    ];
  } finally {
    await store.close();
  }
}
