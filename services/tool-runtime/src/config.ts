import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, port } from "@qamesh/config";
import { documentStoreConfigShape, eventBusConfigShape, chunkIndexConfigShape } from "@qamesh/runtime-adapters";
import { secretsConfigShape } from "@qamesh/secrets";
import { outboundConfigShape } from "@qamesh/source-safety";
import { mcpStdioServersSetting } from "./mcp-stdio-servers-setting.js";

export const toolRuntimeConfigSchema = z.object({
  TOOL_RUNTIME_GRPC_HOST: z.string().default("127.0.0.1"),
  TOOL_RUNTIME_GRPC_PORT: port(50054),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  INGESTION_ADDRESS: grpcAddress().default("127.0.0.1:50052"),
  /** The chat service, which keeps the approvals of calls under an `ask` policy. */
  CHAT_ADDRESS: grpcAddress().default("127.0.0.1:50053"),
  /** SQLite file of the projects' custom tools when MONGODB_URI is not set. */
  TOOL_RUNTIME_DB_FILE: z.string().min(1).default("./data/tool-runtime.sqlite"),
  ...documentStoreConfigShape("tool-runtime"),
  /** The bus a project's deletion comes by (its tools are deleted with it). */
  ...eventBusConfigShape,
  ...chunkIndexConfigShape,
  ...secretsConfigShape,
  ...outboundConfigShape,
  /** How long an MCP server's tool list is reused before the server is asked again (a changed tool is noticed within it). */
  MCP_LIST_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  MCP_STDIO_SERVERS: mcpStdioServersSetting(),
  ...meshTrustConfigShape,
  LOG_LEVEL: logLevel(),
});
