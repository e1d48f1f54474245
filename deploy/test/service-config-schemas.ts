import type { z } from "zod";
import { chatConfigSchema } from "@qamesh/chat";
import { connectorWorkerConfigSchema } from "@qamesh/connector-worker";
import { gatewayConfigSchema } from "@qamesh/gateway";
import { ingestionConfigSchema } from "@qamesh/ingestion";
import { llmProfilesConfigSchema } from "@qamesh/llm-profiles";
import { toolRuntimeConfigSchema } from "@qamesh/tool-runtime";

/** Each deployable service's environment schema, which deployment files are checked against. */
export const serviceConfigSchemas: Record<string, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  ingestion: ingestionConfigSchema,
  "connector-worker": connectorWorkerConfigSchema,
  chat: chatConfigSchema,
  "tool-runtime": toolRuntimeConfigSchema,
  "llm-profiles": llmProfilesConfigSchema,
};

/** The official images distributed mode runs on. */
export const infrastructureImages: Record<string, RegExp> = {
  kafka: /^apache\/kafka:\d/,
  mongodb: /^mongo:\d/,
  chroma: /^chromadb\/chroma:\d/,
};
