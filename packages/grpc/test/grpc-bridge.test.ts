import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, invalidArgument, notFound, unavailable } from "@qamesh/errors";
import { createLogger } from "@qamesh/logger";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import { status } from "@grpc/grpc-js";
import {
  ContextValues,
  createContextKey,
  createGrpcClient,
  credentialKey,
  deadlineKey,
  GrpcServer,
  livenessService,
  presentedCredential,
  requestIdKey,
  runWithContextValues,
  toGrpcStatus,
  type CallContext,
  type CallInterceptor,
  type ServiceImplementation,
} from "../src/index.js";
import { eventually } from "@qamesh/testkit";

const logger = createLogger({ service: "test", level: "silent" });

/** Who the test guard let in: the credential itself (the real guard verifies a signed assertion). */
const callerKey = createContextKey<string | undefined>(undefined, "test caller");

/** Lets in calls presenting a credential starting with "ok-", and forwards it, as the mesh's guard does. */
const testGuard: CallInterceptor = {
  name: "test guard",
  inbound(call) {
    const credential = presentedCredential(call.metadata);
    if (!credential?.startsWith("ok-")) throw new AppError("unauthenticated", "no acceptable credential");
    call.values.set(callerKey, credential).set(credentialKey, () => Promise.resolve(credential));
  },
};

/** The bridge is tested through LlmProfilesService: the methods a test does not use fail if called. */
function testService(methods: Pick<ServiceImplementation<typeof LlmProfilesService>, "resolveProfile" | "complete" | "embed">): ServiceImplementation<typeof LlmProfilesService> {
  const unused = () => Promise.reject(new Error("not part of this test"));
  return { createProfile: unused, getProfile: unused, updateProfile: unused, deleteProfile: unused, listProfiles: unused, getModelSettings: unused, updateModelSettings: unused, ...methods };
}

const asCaller = (credential: string, requestId?: string) => {
  const values = new ContextValues().set(credentialKey, () => Promise.resolve(credential));
  return requestId ? values.set(requestIdKey, requestId) : values;
};

describe("gRPC bridge", () => {
  const server = new GrpcServer({ logger, guard: testGuard });
  const seen: CallContext[] = [];
  let address = "";

  beforeAll(async () => {
    server.add(LlmProfilesService, testService({
      async resolveProfile(request, context) {
        seen.push(context);
        switch (request.projectId) {
          case "missing":
            throw notFound("project missing not found");
          case "bad":
            throw invalidArgument("projectId", "projectId is malformed");
          case "down":
            throw unavailable("the model server is down");
          case "bug":
            throw new TypeError("cannot read properties of undefined (reading 'secret')");
          default:
            return { provider: "extractive", model: request.projectId };
        }
      },
      async *complete(request, context) {
        if (request.projectId === "slow") {
          seen.push(context);
          await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
        }
        for (const message of request.messages) yield { event: { case: "text", value: message.content } };
        if (request.projectId === "fail-midway") throw unavailable("the model stopped answering");
      },
      async embed(request) {
        // "huge" answers with more than grpc-js's 4 MB receive limit.
        if (request.texts[0] === "huge") return { embeddings: [{ values: Array.from({ length: 1_200_000 }, (_, i) => i) }] };
        return { embeddings: request.texts.map((text) => ({ values: [text.length] })) };
      },
    }));
    address = `127.0.0.1:${await server.listen("127.0.0.1", 0)}`;
  });

  afterAll(async () => {
    await server.shutdown(1000);
  });

  const client = () => createGrpcClient(LlmProfilesService, address, { peer: "llm-profiles" });
  /** Runs `work` as a caller the guard lets in. */
  const asAlice = <T>(work: () => T) => runWithContextValues(asCaller("ok-alice"), work);

  it("refuses a call without an acceptable credential before its handler runs, and leaves health open", async () => {
    const before = seen.length;
    const missing = await client().resolveProfile({ projectId: "p1" }).catch((e: unknown) => e);
    const wrong = await runWithContextValues(asCaller("forged"), () => client().resolveProfile({ projectId: "p1" })).catch((e: unknown) => e);
    for (const error of [missing, wrong]) {
      // A peer refusing the mesh's own credential is the deployment's fault, not the end user's: never a 401.
      expect(error).toMatchObject({ code: "unavailable", message: expect.stringContaining("llm-profiles refused the mesh's credential") });
      expect(((error as AppError).cause as { code: number }).code).toBe(status.UNAUTHENTICATED);
    }
    expect(seen.length).toBe(before);
    const health = createGrpcClient(Health, address, { peer: "health" });
    expect((await health.check({ service: "" })).status).toBe(ServingStatus.SERVING);
  });

  it("round-trips protobuf messages through async handlers", async () => {
    const profile = await asAlice(() => client().resolveProfile({ projectId: "p1" }));
    expect(profile).toMatchObject({ provider: "extractive", model: "p1" });
    const embedded = await asAlice(() => client().embed({ texts: ["abc", "de"] }));
    expect(embedded.embeddings.map((e) => e.values)).toEqual([[3], [2]]);
  });

  it.each([
    ["missing", "not_found", "project missing not found", undefined],
    ["bad", "invalid_argument", "projectId is malformed", "projectId"],
    ["down", "unavailable", "the model server is down", undefined],
  ])("maps a thrown %s error to the same code on the client", async (projectId, code, message, field) => {
    const error = await asAlice(() => client().resolveProfile({ projectId })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, message, field });
  });

  it("turns an unexpected exception into internal without leaking its message", async () => {
    const error = await asAlice(() => client().resolveProfile({ projectId: "bug" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "internal", message: "internal error" });
  });

  it("streams server responses and delivers an error raised mid-stream after the items before it", async () => {
    const deltas: string[] = [];
    const stream = client().complete({ projectId: "fail-midway", messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }] });
    const error = await asAlice(async () => {
      for await (const chunk of stream) deltas.push(String(chunk.event.value));
    }).catch((e: unknown) => e);
    expect(deltas).toEqual(["a", "b"]);
    expect(error).toMatchObject({ code: "unavailable", message: "the model stopped answering" });
  });

  it("carries the request id and credential of the work being done to the calls it makes", async () => {
    await runWithContextValues(asCaller("ok-alice", "req-42"), () => client().resolveProfile({ projectId: "p2" }));
    expect(seen.at(-1)).toMatchObject({ requestId: "req-42" });
    expect(seen.at(-1)!.values.get(callerKey)).toBe("ok-alice");
    // Without a request id of its own: a fresh one.
    await asAlice(() => client().resolveProfile({ projectId: "p3" }));
    expect(seen.at(-1)!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("passes the caller's request id, credential and deadline on to the calls made while serving it", async () => {
    const relay = new GrpcServer({ logger, guard: testGuard });
    let inheritedError: unknown;
    relay.add(LlmProfilesService, testService({
      async resolveProfile(_request, context) {
        // The downstream call has no timeout of its own: it ends with the caller's deadline.
        inheritedError = await client().complete({ projectId: "slow" })[Symbol.asyncIterator]().next().catch((e: unknown) => e);
        expect(context.values.get(deadlineKey)).toBeGreaterThan(Date.now() - 1000);
        return {};
      },
      async *complete() {},
      async embed() {
        return { embeddings: [] };
      },
    }));
    const relayAddress = `127.0.0.1:${await relay.listen("127.0.0.1", 0)}`;
    const relayClient = createGrpcClient(LlmProfilesService, relayAddress, { peer: "relay" });
    await runWithContextValues(asCaller("ok-bob", "req-relayed"), () => relayClient.resolveProfile({}, { timeoutMs: 300 })).catch(() => undefined);
    await eventually(() => expect(inheritedError).toMatchObject({ code: "deadline_exceeded" }), 5000);
    // Two hops away from the caller, with no handler copying anything.
    expect(seen.at(-1)).toMatchObject({ requestId: "req-relayed" });
    expect(seen.at(-1)!.values.get(callerKey)).toBe("ok-bob");
    relayClient.close();
    await relay.shutdown(100);
  });

  it("reports a response over the message size limit as internal, never as 'slow down' (429)", async () => {
    const error = await asAlice(() => client().embed({ texts: ["huge"] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "internal", message: "the response from llm-profiles was too large to pass on" });
  });

  it("spreads calls over every replica of a comma-separated address list", async () => {
    const replica = new GrpcServer({ logger, guard: testGuard });
    replica.add(LlmProfilesService, testService({
      async resolveProfile() {
        return { provider: "extractive", model: "second replica" };
      },
      async *complete() {},
      async embed() {
        return { embeddings: [] };
      },
    }));
    const replicaAddress = `127.0.0.1:${await replica.listen("127.0.0.1", 0)}`;
    try {
      const both = createGrpcClient(LlmProfilesService, `${address},${replicaAddress}`, { peer: "llm-profiles" });
      const answered = new Set<string>();
      for (let call = 0; call < 6; call++) answered.add((await asAlice(() => both.resolveProfile({ projectId: "first replica" }))).model);
      expect([...answered].sort()).toEqual(["first replica", "second replica"]);
      both.close();
    } finally {
      await replica.shutdown(1000);
    }
  });

  it("reports an unreachable peer as unavailable, naming it", async () => {
    const nobody = createGrpcClient(LlmProfilesService, "127.0.0.1:1", { peer: "llm-profiles" });
    const error = await nobody.resolveProfile({ projectId: "p" }, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: expect.stringMatching(/unavailable|deadline_exceeded/) });
    expect((error as Error).message).toContain("llm-profiles");
  });

  it("serves grpc.health.v1 for the server and each service", async () => {
    const health = createGrpcClient(Health, address, { peer: "health" });
    expect((await health.check({ service: "" })).status).toBe(ServingStatus.SERVING);
    expect((await health.check({ service: "qamesh.llmprofiles.v1.LlmProfilesService" })).status).toBe(ServingStatus.SERVING);
    const unknown = await health.check({ service: "no.such.Service" }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: "not_found" });
  });

  it("reports NOT_SERVING while a dependency check fails, and SERVING again once it passes", async () => {
    let storeDown = true;
    server.health.addDependencyCheck(async () => {
      if (storeDown) throw new Error("store unreachable");
    });
    const health = createGrpcClient(Health, address, { peer: "health" });
    expect((await health.check({ service: "" })).status).toBe(ServingStatus.NOT_SERVING);
    // Liveness ignores dependencies: an outage must not get the pod restarted.
    expect((await health.check({ service: livenessService })).status).toBe(ServingStatus.SERVING);
    storeDown = false;
    expect((await health.check({ service: "" })).status).toBe(ServingStatus.SERVING);
  });
});

describe("error code table", () => {
  it.each([
    ["invalid_argument", status.INVALID_ARGUMENT],
    ["not_found", status.NOT_FOUND],
    ["already_exists", status.ALREADY_EXISTS],
    ["failed_precondition", status.FAILED_PRECONDITION],
    ["permission_denied", status.PERMISSION_DENIED],
    ["unauthenticated", status.UNAUTHENTICATED],
    ["resource_exhausted", status.RESOURCE_EXHAUSTED],
    ["too_large", status.OUT_OF_RANGE],
    ["cancelled", status.CANCELLED],
    ["unsupported_media_type", status.UNIMPLEMENTED],
    ["unavailable", status.UNAVAILABLE],
    ["deadline_exceeded", status.DEADLINE_EXCEEDED],
    ["internal", status.INTERNAL],
  ] as const)("sends %s as gRPC status %i", (code, expected) => {
    expect(toGrpcStatus(new AppError(code, "x")).code).toBe(expected);
  });

  it("sends anything that is not an AppError as INTERNAL with a bland message", () => {
    expect(toGrpcStatus(new Error("secret path /etc/shadow"))).toMatchObject({ code: status.INTERNAL, details: "internal error" });
  });
});

describe("a server stream whose caller went away", () => {
  it("is released, so the server shuts down instead of waiting for it forever", async () => {
    const server = new GrpcServer({ logger, guard: testGuard });
    let finished = false;
    server.add(LlmProfilesService, testService({
      async resolveProfile() {
        return {};
      },
      async *complete() {
        try {
          // Far more messages than the stream buffers: the writer must wait for the reader.
          for (let i = 0; i < 100_000; i++) yield { event: { case: "text", value: `token ${i} `.repeat(50) } };
        } finally {
          finished = true;
        }
      },
      async embed() {
        return { embeddings: [] };
      },
    }));
    const address = `127.0.0.1:${await server.listen("127.0.0.1", 0)}`;
    const client = createGrpcClient(LlmProfilesService, address, { peer: "llm-profiles" });
    const controller = new AbortController();
    let received = 0;
    await runWithContextValues(asCaller("ok-alice"), async () => {
      try {
        for await (const _ of client.complete({}, { signal: controller.signal })) {
          if (++received === 3) controller.abort();
        }
      } catch (error) {
        expect((error as AppError).code).toBe("cancelled");
      }
    });
    expect(received).toBeGreaterThanOrEqual(3);
    // The grace period is far longer than the test's timeout: only a released stream lets this end.
    await server.shutdown(600_000);
    expect(finished).toBe(true);
    client.close();
  });
});
