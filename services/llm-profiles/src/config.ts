import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { homedir } from "node:os";
import { join } from "node:path";
import { booleanFlag, logLevel, port } from "@qamesh/config";
import { documentStoreConfigShape, eventBusConfigShape } from "@qamesh/runtime-adapters";
import { secretsConfigShape } from "@qamesh/secrets";
import { outboundConfigShape } from "@qamesh/source-safety";

/**
 * The embedder a deployment gets when it names none, chosen with `npm run eval:retrieval` (see
 * the README): the offline model, hybrid recall@5 0.84 and MRR 0.68 against 0.80 and 0.61 for
 * the hashing embedder, at ~60x the indexing time.
 */
export const defaultEmbeddingProvider = "onnx";

/** Which models answer and embed; shared by the standalone process and this service's own main. */
export const modelSettingsShape = {
  LLM_PROVIDER: z.enum(["extractive", "openai", "ollama"]).default("extractive"),
  LLM_BASE_URL: z.url("must be a URL").optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_API_KEY: z.string().optional(),
  /**
   * `onnx`: a sentence-embedding model run in-process from EMBEDDING_MODEL_DIR (all-MiniLM-L6-v2,
   * which `npm run models` installs); `hashing`: feature hashing of words, no model at all.
   */
  EMBEDDING_PROVIDER: z.enum(["onnx", "hashing", "openai", "ollama"]).default(defaultEmbeddingProvider),
  EMBEDDING_BASE_URL: z.url("must be a URL").optional(),
  EMBEDDING_MODEL: z.string().min(1).optional(),
  EMBEDDING_MODEL_DIR: z.string().min(1).default(join(homedir(), ".cache", "qamesh", "models")),
  /** With `onnx`: fetch a model missing from EMBEDDING_MODEL_DIR from the Hugging Face hub by its name (EMBEDDING_MODEL). */
  EMBEDDING_ALLOW_DOWNLOAD: booleanFlag(false),
  EMBEDDING_API_KEY: z.string().optional(),
  EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().default(1536),
};

export type ModelSettings = z.infer<z.ZodObject<typeof modelSettingsShape>>;

/** Cross-field rules: a remote provider needs a model, Ollama needs its URL. */
export function refineModelSettings(settings: ModelSettings, context: z.RefinementCtx): void {
  const require = (variable: keyof ModelSettings, when: string) => {
    if (!settings[variable]) context.addIssue({ code: "custom", path: [variable], message: `is required when ${when}` });
  };
  if (settings.LLM_PROVIDER !== "extractive") require("LLM_MODEL", `LLM_PROVIDER is ${settings.LLM_PROVIDER}`);
  if (settings.LLM_PROVIDER === "ollama") require("LLM_BASE_URL", "LLM_PROVIDER is ollama");
  if (settings.EMBEDDING_PROVIDER === "openai" || settings.EMBEDDING_PROVIDER === "ollama") require("EMBEDDING_MODEL", `EMBEDDING_PROVIDER is ${settings.EMBEDDING_PROVIDER}`);
  if (settings.EMBEDDING_PROVIDER === "ollama") require("EMBEDDING_BASE_URL", "EMBEDDING_PROVIDER is ollama");
}

export const llmProfilesConfigSchema = z
  .object({
    LLM_PROFILES_GRPC_HOST: z.string().default("127.0.0.1"),
    LLM_PROFILES_GRPC_PORT: port(50055),
    /** SQLite file of the projects' profiles when MONGODB_URI is not set. */
    LLM_PROFILES_DB_FILE: z.string().min(1).default("./data/llm-profiles.sqlite"),
    ...documentStoreConfigShape("llm-profiles"),
    /** The bus a project's deletion comes by (its profiles and their keys are deleted with it). */
    ...eventBusConfigShape,
    ...secretsConfigShape,
    ...outboundConfigShape,
    ...meshTrustConfigShape,
    LOG_LEVEL: logLevel(),
    ...modelSettingsShape,
  })
  .superRefine(refineModelSettings);
