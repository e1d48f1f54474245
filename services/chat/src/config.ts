import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, port } from "@qamesh/config";
import { documentStoreConfigShape, eventBusConfigShape } from "@qamesh/runtime-adapters";

export const chatConfigSchema = z.object({
  CHAT_GRPC_HOST: z.string().default("127.0.0.1"),
  CHAT_GRPC_PORT: port(50053),
  TOOL_RUNTIME_ADDRESS: grpcAddress().default("127.0.0.1:50054"),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  /** SQLite file of the chats, their messages and answer events when MONGODB_URI is not set. */
  CHAT_DB_FILE: z.string().min(1).default("./data/chat.sqlite"),
  ...documentStoreConfigShape("chat"),
  ...eventBusConfigShape,
  /** Model turns per answer (the last must answer without tools), and how long one tool call may take. */
  AGENT_MAX_STEPS: z.coerce.number().int().min(1).max(30).default(8),
  AGENT_TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /**
   * Tokens the earlier conversation may take in a prompt. Past 75% of it the model summarizes
   * the older turns (the summary is kept with the chat); the latest ~25% stay word for word.
   */
  CHAT_HISTORY_TOKENS: z.coerce.number().int().min(200).max(1_000_000).default(8_000),
  /**
   * A replica writing an answer renews its claim a few times per this period; an answer not
   * renewed for this long was abandoned (its replica died) and is failed.
   */
  ANSWER_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  /** How long a question the agent asked waits for the user's reply; then the answer ends failed. */
  ANSWER_QUESTION_TTL_MS: z.coerce.number().int().min(1_000).max(30 * 24 * 3600 * 1000).default(24 * 3600 * 1000),
  /** How often a follower of an answer written on another replica looks for its new events. */
  ANSWER_POLL_MS: z.coerce.number().int().min(10).max(5_000).default(100),
  ...meshTrustConfigShape,
  LOG_LEVEL: logLevel(),
});
