import { join } from "node:path";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { SignJWT, UnsecuredJWT, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallPrincipal } from "@qamesh/authorization";
import { ContextValues, createGrpcClient, credentialKey, runWithContextValues } from "@qamesh/grpc";
import { AssertionSigner, meshSigners, userAssertions } from "@qamesh/mesh-auth";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { generateSigningKeys, signingKeysFromFile, type SigningKeys } from "@qamesh/signed-tokens";
import { projectsAAndB, startHarness, type Harness } from "./standalone-harness.js";

/** Every service a caller could reach directly, by the name standalone reports its port under. */
const services: [string, DescService][] = [
  ["ingestion", IngestionService],
  ["chat", ChatService],
  ["tool-runtime", ToolRuntimeService],
  ["llm-profiles", LlmProfilesService],
];

type Outcome = { code: string; grpcStatus?: number } | "allowed";

describe("calling the services directly, around the gateway", () => {
  let harness: Harness;
  let keys: Record<(typeof meshSigners)[number], SigningKeys>;
  let projectA: string;
  let projectB: string;
  let sourceB: string;
  let runB: string;

  beforeAll(async () => {
    harness = await startHarness();
    ({ projectA, projectB, sourceB, runB } = await projectsAAndB(harness, harness.root));
    keys = await signingKeysFromFile(join(harness.root, "data", "mesh-keys.json"), meshSigners);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** A request for `method` filled from one set of ids and values: new methods are covered without listing them. */
  const requestFor = (method: DescMethod, projectId: string): Record<string, unknown> => {
    const values: Record<string, unknown> = {
      projectId,
      sourceId: sourceB,
      runId: runB,
      name: "taken over",
      description: "taken over",
      question: "Where are the launch codes?",
      query: "launch codes",
      k: 3,
      texts: ["launch codes"],
      purpose: "query",
      toolName: "semantic_search",
      argumentsJson: JSON.stringify({ query: "launch codes" }),
      messages: [{ role: "user", content: "Where are the launch codes?" }],
      spec: { type: { case: "local", value: { path: join(harness.root, "docs") } } },
    };
    return Object.fromEntries(method.input.fields.filter((field) => field.localName in values).map((field) => [field.localName, values[field.localName]]));
  };

  /** Calls `method` presenting `credential` (none when undefined) and says how it ended. */
  const call = async (serviceName: string, service: DescService, method: DescMethod, request: Record<string, unknown>, credential?: string): Promise<Outcome> => {
    const client = createGrpcClient(service as never, `127.0.0.1:${harness.running.grpcPorts[serviceName]}`, { peer: serviceName }) as unknown as Record<
      string,
      (request: unknown) => Promise<unknown> | AsyncIterable<unknown>
    > & { close(): void };
    const values = new ContextValues();
    if (credential !== undefined) values.set(credentialKey, () => Promise.resolve(credential));
    try {
      await runWithContextValues(values, async () => {
        const result = client[method.localName]!(request);
        if (method.methodKind === "server_streaming") for await (const _ of result as AsyncIterable<unknown>) break;
        else await result;
      });
      return "allowed";
    } catch (error) {
      const { code, cause } = error as { code: string; cause?: { code?: number } };
      return { code, ...(cause?.code !== undefined ? { grpcStatus: cause.code } : {}) };
    } finally {
      client.close();
    }
  };

  const refusedAsUnauthenticated = { code: "unavailable", grpcStatus: status.UNAUTHENTICATED };
  const sign = async (principal: CallPrincipal, signer: SigningKeys = keys.gateway) => (await AssertionSigner.create("gateway", signer)).sign(principal);
  const aliceAdminOf = (projectId: string): CallPrincipal => ({ kind: "user", userId: "u-alice", username: "alice", globalRole: "user", project: { id: projectId, role: "admin" } });
  const everyMethod = services.flatMap(([name, service]) => service.methods.map((method) => ({ name, service, method })));

  it("checks what it tests with: the mesh's own assertion for a project's admin is accepted", async () => {
    const token = await sign(aliceAdminOf(projectB));
    expect(await call("ingestion", IngestionService, IngestionService.method.getProject, { projectId: projectB }, token)).toBe("allowed");
    expect(await call("tool-runtime", ToolRuntimeService, ToolRuntimeService.method.search, requestFor(ToolRuntimeService.method.search, projectB), token)).toBe("allowed");
  });

  it("refuses every method called with no assertion, a forged one, an unsigned one or an expired one", async () => {
    const admin: CallPrincipal = { kind: "user", userId: "u-mallory", username: "mallory", globalRole: "admin" };
    const forged = await sign(admin, await generateSigningKeys());
    const unsigned = new UnsecuredJWT({ kind: "user", username: "mallory", globalRole: "admin" })
      .setSubject("u-mallory")
      .setIssuer(userAssertions.issuer)
      .setAudience(userAssertions.audience)
      .setIssuedAt()
      .setExpirationTime("5m")
      .encode();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ kind: "user", username: "mallory", globalRole: "admin" })
      .setProtectedHeader({ alg: "ES256", typ: userAssertions.type })
      .setSubject("u-mallory")
      .setIssuer(userAssertions.issuer)
      .setAudience(userAssertions.audience)
      .setJti("expired")
      .setIssuedAt(now - 900)
      .setExpirationTime(now - 600)
      .sign(await importJWK(keys.gateway.privateKey, "ES256"));
    expect(everyMethod.length).toBeGreaterThanOrEqual(19);
    for (const { name, service, method } of everyMethod) {
      for (const [what, credential] of [["none", undefined], ["forged", forged], ["unsigned", unsigned], ["expired", expired], ["garbage", "not-a-token"]] as const) {
        expect(await call(name, service, method, requestFor(method, projectB), credential), `${name} ${method.name} with ${what}`).toEqual(refusedAsUnauthenticated);
      }
    }
  });

  it("answers an assertion for project A used on project B with 404 on every project-scoped method", async () => {
    const token = await sign(aliceAdminOf(projectA));
    const scoped = everyMethod.filter(({ method }) => method.input.fields.some((field) => field.localName === "projectId"));
    expect(scoped.length).toBeGreaterThanOrEqual(17);
    for (const { name, service, method } of scoped) {
      expect(await call(name, service, method, requestFor(method, projectB), token), `${name} ${method.name}`).toMatchObject({ code: "not_found" });
    }
    // Nor may a user without a project list them all.
    expect(await call("ingestion", IngestionService, IngestionService.method.listProjects, {}, token)).toMatchObject({ code: "permission_denied" });
  });

  it("lets a service's own assertion use a project's models and nothing else", async () => {
    const serviceToken = await (await AssertionSigner.create("service", keys.service)).sign({ kind: "service", service: "connector-worker" });
    expect(await call("llm-profiles", LlmProfilesService, LlmProfilesService.method.embed, requestFor(LlmProfilesService.method.embed, projectB), serviceToken)).toBe("allowed");
    for (const { name, service, method } of everyMethod.filter(({ service }) => service !== LlmProfilesService)) {
      expect(await call(name, service, method, requestFor(method, projectB), serviceToken), `${name} ${method.name}`).toMatchObject({ code: "permission_denied" });
    }
  });

  it("believes each key only for its own kind of principal: no admin from the services' key, no service from the gateway's", async () => {
    const adminBySeviceKey = await sign({ kind: "user", userId: "u-mallory", username: "mallory", globalRole: "admin" }, keys.service);
    const serviceByGatewayKey = await sign({ kind: "service", service: "connector-worker" });
    const serviceSignedAdmin = await (await AssertionSigner.create("service", keys.service)).sign({ kind: "user", userId: "u-mallory", username: "mallory", globalRole: "admin" });
    for (const token of [adminBySeviceKey, serviceByGatewayKey, serviceSignedAdmin]) {
      expect(await call("ingestion", IngestionService, IngestionService.method.deleteProject, { projectId: projectB }, token)).toEqual(refusedAsUnauthenticated);
    }
  });

  it("has changed nothing in project B", async () => {
    expect((await harness.api("GET", `/v1/projects/${projectB}`)).body.name).toBe("B");
    expect((await harness.api("GET", `/v1/projects/${projectB}/sources`)).body.sources.map((source: { id: string }) => source.id)).toEqual([sourceB]);
    expect((await harness.api("GET", `/v1/projects/${projectB}/ingestions`)).body.runs).toHaveLength(1);
    const hits = (await harness.api("POST", `/v1/projects/${projectB}/search`, { query: "launch codes" })).body.hits as { text: string }[];
    expect(hits.some((hit) => hit.text.includes("blue binder"))).toBe(true);
  });
});
