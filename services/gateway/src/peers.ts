import type { ServiceClient } from "@qamesh/grpc";
import type { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { Health } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import type { IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";

/** The services behind the gateway, as gRPC clients. */
export interface Peers {
  ingestion: ServiceClient<typeof IngestionService>;
  chat: ServiceClient<typeof ChatService>;
  toolRuntime: ServiceClient<typeof ToolRuntimeService>;
  llmProfiles: ServiceClient<typeof LlmProfilesService>;
  /** Health clients of every service /ready must reach, by name. */
  health: Record<string, ServiceClient<typeof Health>>;
}
