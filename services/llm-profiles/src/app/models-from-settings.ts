import type { Embedder, Llm } from "@qamesh/ports";
import type { ModelSettings } from "../config.js";
import { OllamaEmbedder } from "../providers/ollama-embedder.js";
import { OllamaLlm } from "../providers/ollama-llm.js";
import { OpenAiEmbedder } from "../providers/openai-embedder.js";
import { OpenAiLlm } from "../providers/openai-llm.js";
import { OnnxEmbedder } from "../providers/onnx-embedder.js";
import { ExtractiveAnswerer } from "./extractive-answerer.js";
import { LocalHashingEmbedder } from "./local-hashing-embedder.js";

/** The model `npm run models` installs. */
export const defaultOnnxModel = "all-MiniLM-L6-v2";

export interface Models {
  llm: Llm;
  embedder: Embedder;
  settings: ModelSettings;
}

/** The answering and embedding models the settings name; offline ones when none is configured. */
export function modelsFromSettings(settings: ModelSettings): Models {
  return { llm: llmFrom(settings), embedder: embedderFrom(settings), settings };
}

function llmFrom(settings: ModelSettings): Llm {
  const model = settings.LLM_MODEL ?? "";
  switch (settings.LLM_PROVIDER) {
    case "openai":
      return new OpenAiLlm({ model, ...optional("baseUrl", settings.LLM_BASE_URL), ...optional("apiKey", settings.LLM_API_KEY) });
    case "ollama":
      return new OllamaLlm({ model, baseUrl: settings.LLM_BASE_URL ?? "" });
    case "extractive":
      return new ExtractiveAnswerer();
  }
}

function embedderFrom(settings: ModelSettings): Embedder {
  const model = settings.EMBEDDING_MODEL ?? "";
  const dimensions = settings.EMBEDDING_DIMENSIONS;
  switch (settings.EMBEDDING_PROVIDER) {
    case "openai":
      return new OpenAiEmbedder({
        model,
        dimensions,
        ...optional("baseUrl", settings.EMBEDDING_BASE_URL),
        ...optional("apiKey", settings.EMBEDDING_API_KEY),
      });
    case "ollama":
      return new OllamaEmbedder({ model, dimensions, baseUrl: settings.EMBEDDING_BASE_URL ?? "" });
    case "onnx":
      return new OnnxEmbedder({ directory: settings.EMBEDDING_MODEL_DIR, model: settings.EMBEDDING_MODEL ?? defaultOnnxModel, allowDownload: settings.EMBEDDING_ALLOW_DOWNLOAD });
    case "hashing":
      return new LocalHashingEmbedder();
  }
}

/** exactOptionalPropertyTypes: absent settings must be absent keys, not `undefined` values. */
function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
