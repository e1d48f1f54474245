import type { Server } from "node:http";
import { once } from "node:events";
import { createGrpcClient } from "@qamesh/grpc";
import type { Logger } from "@qamesh/logger";
import type { EventBus, Subscription } from "@qamesh/ports";
import type { MeshService } from "@qamesh/service-runtime";
import { Health } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { subscribeToReportedEntries } from "./audit/reported-entries.js";
import { attachAnswerSockets } from "./websocket/answer-socket-server.js";
import { createGatewayApp } from "./http/gateway-app.js";
import { bootstrapRoot, type GatewayIdentity } from "./identity.js";
import type { GatewayRateLimits } from "./http/rate-limits.js";
import type { Peers } from "./peers.js";

export { gatewayConfigSchema, unthrottledRateLimits } from "./config.js";
export { openApiDocument } from "./http/openapi-document.js";
export { gatewayRecipe } from "./recipe.js";
export { GatewayRateLimits } from "./http/rate-limits.js";
export { gatewayIdentity } from "./identity.js";
export { callerOf } from "./http/auth/authenticate.js";

export interface GatewayAddresses {
  ingestion: string;
  chat: string;
  toolRuntime: string;
  llmProfiles: string;
}

/** The gateway as a value: gRPC clients for its peers and the HTTP (and WebSocket) server in front of them. */
export function createGateway(deps: {
  addresses: GatewayAddresses;
  logger: Logger;
  http: { host: string; port: number };
  /** Origins whose browser pages may call the API (none by default). */
  corsOrigins?: readonly string[];
  /** Proxies in front whose X-Forwarded-For to believe. */
  trustProxyHops?: number;
  rateLimits: GatewayRateLimits;
  identity: GatewayIdentity;
  /** Creates root on a store without users. */
  root: { password?: string | undefined; generatedPasswordFile?: string | undefined };
  /** Where the other services report audit entries (tool calls, approval decisions). */
  bus: EventBus;
}) {
  const { addresses } = deps;
  const peers: Peers = {
    ingestion: createGrpcClient(IngestionService, addresses.ingestion, { peer: "ingestion" }),
    chat: createGrpcClient(ChatService, addresses.chat, { peer: "chat" }),
    toolRuntime: createGrpcClient(ToolRuntimeService, addresses.toolRuntime, { peer: "tool-runtime" }),
    llmProfiles: createGrpcClient(LlmProfilesService, addresses.llmProfiles, { peer: "llm-profiles" }),
    health: {
      ingestion: createGrpcClient(Health, addresses.ingestion, { peer: "ingestion" }),
      chat: createGrpcClient(Health, addresses.chat, { peer: "chat" }),
      "tool-runtime": createGrpcClient(Health, addresses.toolRuntime, { peer: "tool-runtime" }),
      "llm-profiles": createGrpcClient(Health, addresses.llmProfiles, { peer: "llm-profiles" }),
    },
  };
  const app = createGatewayApp(peers, deps.identity, deps.rateLimits, { logger: deps.logger, corsOrigins: deps.corsOrigins ?? [], trustProxyHops: deps.trustProxyHops ?? 0 });
  let server: Server | undefined;
  let sockets: { close(): void } | undefined;
  let boundPort = deps.http.port;
  let reported: Subscription | undefined;

  return {
    app,
    /** Where it serves, once started (port 0 picks a free one). */
    get url(): string {
      return `http://${deps.http.host}:${boundPort}`;
    },
    /** The gateway serves HTTP, not gRPC: nothing to register. */
    register() {},
    async start(): Promise<void> {
      await bootstrapRoot(deps.identity, { ...deps.root, logger: deps.logger });
      reported = await subscribeToReportedEntries(deps.bus, deps.identity.audit);
      server = app.listen(deps.http.port, deps.http.host);
      sockets = attachAnswerSockets(server, { peers, identity: deps.identity, rateLimits: deps.rateLimits, logger: deps.logger });
      await once(server, "listening");
      const address = server.address();
      if (typeof address === "object" && address) boundPort = address.port;
    },
    /** Stops accepting, closes the sockets (clients resume elsewhere), lets open requests finish (streams included), then closes the clients. */
    async stop(): Promise<void> {
      sockets?.close();
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      await reported?.stop();
      for (const client of [peers.ingestion, peers.chat, peers.toolRuntime, peers.llmProfiles, ...Object.values(peers.health)]) client.close();
    },
  } satisfies MeshService & { url: string; app: unknown };
}
