import type { Embedder, Llm } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import { guardedFetch, type OutboundPolicy } from "@qamesh/source-safety";
import type { Models } from "../models-from-settings.js";
import { OllamaEmbedder } from "../../providers/ollama-embedder.js";
import { OllamaLlm } from "../../providers/ollama-llm.js";
import { OpenAiEmbedder } from "../../providers/openai-embedder.js";
import { OpenAiLlm } from "../../providers/openai-llm.js";
import type { DocumentStore } from "@qamesh/ports";
import { FallbackLlm } from "./fallback-llm.js";
import { apiKeyOwner, modelSettingsCollection, modelSettingsId, profilesCollection, type ModelSettingsRecord, type ProfileRecord } from "./profile-records.js";

/** What a project answers with, as the agent is told: the first model of its chain. */
export interface AnsweringModels {
  llm: Llm;
  provider: string;
  model: string;
  baseUrl: string;
}

export interface EmbeddingModel {
  embedder: Embedder;
  provider: string;
  model: string;
}

/** How long one exchange with a profile's provider may take, streamed answer included. */
const providerTimeoutMs = 10 * 60_000;
const maxProviderAnswerBytes = 64 * 1024 * 1024;

/**
 * The models a project uses: its chosen profiles (keys opened here, and only here), or the
 * deployment's defaults. A profile's provider is reached through the guarded fetch (its URL is
 * a project admin's input: no internal address unless the deployment opens the network), without
 * retries of its own when fallbacks follow. Clients are kept per profile version (and sealed key:
 * a key is opened again whenever the stored one changes).
 */
export class ProjectModels {
  private readonly clients = new Map<string, Llm | Embedder>();

  constructor(private readonly deps: { store: DocumentStore; secrets: SecretBox; defaults: Models; outboundPolicy: OutboundPolicy }) {}

  async answering(projectId: string): Promise<AnsweringModels> {
    const settings = await this.settingsOf(projectId);
    if (!settings?.answering) {
      const { llm, settings: env } = this.deps.defaults;
      return { llm, provider: env.LLM_PROVIDER, model: env.LLM_MODEL ?? "", baseUrl: env.LLM_BASE_URL ?? "" };
    }
    const chain = (await Promise.all([settings.answering, ...settings.fallbacks].map((id) => this.profile(projectId, id)))).filter((record) => record !== undefined);
    const [first] = chain;
    if (!first) return this.answering("");
    const llms = chain.map((record) => this.llmOf(record, { withFallbacks: chain.length > 1 }));
    return { llm: llms.length === 1 ? llms[0]! : new FallbackLlm(llms), provider: first.definition.provider, model: first.definition.model, baseUrl: first.definition.baseUrl ?? "" };
  }

  async embedding(projectId: string): Promise<EmbeddingModel> {
    const settings = await this.settingsOf(projectId);
    const record = settings?.embedding ? await this.profile(projectId, settings.embedding) : undefined;
    if (!record) {
      const { embedder, settings: env } = this.deps.defaults;
      return { embedder, provider: env.EMBEDDING_PROVIDER, model: env.EMBEDDING_MODEL ?? "" };
    }
    return { embedder: this.embedderOf(record), provider: record.definition.provider, model: record.definition.model };
  }

  private settingsOf(projectId: string): Promise<ModelSettingsRecord | undefined> {
    return projectId ? this.deps.store.collection<ModelSettingsRecord>(modelSettingsCollection).get(projectId, modelSettingsId) : Promise.resolve(undefined);
  }

  private profile(projectId: string, profileId: string): Promise<ProfileRecord | undefined> {
    return this.deps.store.collection<ProfileRecord>(profilesCollection).get(projectId, profileId);
  }

  private llmOf(record: ProfileRecord, options: { withFallbacks: boolean }): Llm {
    const key = `llm:${record.projectId}:${record.id}:${record.updatedAt}:${record.sealedApiKey}:${options.withFallbacks}`;
    let llm = this.clients.get(key) as Llm | undefined;
    if (!llm) {
      const { provider, model, baseUrl, parameters } = record.definition;
      const common = { ...this.connection(record), model, ...parameters, ...(options.withFallbacks ? { maxRetries: 0 } : {}) };
      llm = provider === "ollama" ? new OllamaLlm({ ...common, baseUrl: baseUrl ?? "" }) : new OpenAiLlm({ ...common, ...(baseUrl ? { baseUrl } : {}) });
      this.keep(`llm:${record.projectId}:${record.id}:`, key, llm);
    }
    return llm;
  }

  private embedderOf(record: ProfileRecord): Embedder {
    const key = `embedder:${record.projectId}:${record.id}:${record.updatedAt}:${record.sealedApiKey}`;
    let embedder = this.clients.get(key) as Embedder | undefined;
    if (!embedder) {
      const { provider, model, baseUrl, dimensions = 1536 } = record.definition;
      const common = { ...this.connection(record), model, dimensions };
      embedder = provider === "ollama" ? new OllamaEmbedder({ ...common, baseUrl: baseUrl ?? "" }) : new OpenAiEmbedder({ ...common, ...(baseUrl ? { baseUrl } : {}) });
      this.keep(`embedder:${record.projectId}:${record.id}:`, key, embedder);
    }
    return embedder;
  }

  /** Keeps a profile's client, dropping those of its earlier versions (whose keys are no longer current). */
  private keep(profilePrefix: string, key: string, client: Llm | Embedder): void {
    for (const other of this.clients.keys()) if (other.startsWith(profilePrefix)) this.clients.delete(other);
    this.clients.set(key, client);
  }

  /** The opened key and the guarded fetch a profile's client is made with. */
  private connection(record: ProfileRecord): { apiKey?: string; fetch: typeof fetch } {
    const fetch = guardedFetch({ policy: this.deps.outboundPolicy, allowedHosts: [], timeoutMs: providerTimeoutMs, maxResponseBytes: maxProviderAnswerBytes, maxRedirects: 3 });
    return { fetch, ...(record.sealedApiKey ? { apiKey: this.deps.secrets.open(record.sealedApiKey, apiKeyOwner(record.projectId, record.id)) } : {}) };
  }
}
