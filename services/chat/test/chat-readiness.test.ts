import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedEventBus } from "@qamesh/bus-embedded";
import { createGrpcClient, GrpcServer } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import type { ProjectModels, ProjectTools } from "@qamesh/ports";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { temporaryDirectory } from "@qamesh/testkit";
import { ToolArguments } from "../src/app/agent/tool-arguments.js";
import { createChat } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });

describe("the chat service's readiness", () => {
  const directory = temporaryDirectory("chat-readiness");
  const server = new GrpcServer({ logger, guard: { name: "open", inbound() {} } });
  afterAll(async () => {
    await server.shutdown(1000);
    await (await directory).remove();
  });

  it("reports NOT_SERVING once its store no longer answers: no answer could be kept", async () => {
    const root = (await directory).path;
    const store = SqliteDocumentStore.open(join(root, "chat.sqlite"));
    const bus = new EmbeddedEventBus({ file: join(root, "bus.sqlite"), logger });
    // Models and tools are not asked anything here.
    const unused = {} as ProjectModels & ProjectTools;
    const chat = createChat({
      store,
      bus,
      logger,
      models: unused,
      tools: unused,
      toolArguments: new ToolArguments(),
      settings: { maxSteps: 8, toolTimeoutMs: 1000 },
      answers: { leaseMs: 15_000, pollMs: 100, questionTtlMs: 60_000 },
      memory: { historyTokens: 1000 },
      outliveCall: (work) => work(),
    });
    chat.register(server);
    await chat.start();
    const health = createGrpcClient(Health, `127.0.0.1:${await server.listen("127.0.0.1", 0)}`, { peer: "chat" });
    expect((await health.check({ service: "" })).status).toBe(ServingStatus.SERVING);
    await store.close();
    expect((await health.check({ service: "" })).status).toBe(ServingStatus.NOT_SERVING);
    await chat.stop();
    await bus.close();
    health.close();
  });
});
