import { z } from "zod";

/** A base URL a project admin gives: http(s), absolute, without credentials (the key is its own write-only field). */
const baseUrl = z
  .string()
  .max(2_000)
  .refine((text) => URL.canParse(text) && ["http:", "https:"].includes(new URL(text).protocol), "must be an absolute http or https URL")
  .refine((text) => !URL.canParse(text) || (!new URL(text).username && !new URL(text).password), "must not carry credentials (use apiKey)");

/**
 * A model a project admin defines, as the API takes it (create, and replace on update): one that
 * answers (with its parameters) or one that embeds (with its dimensions), from an
 * OpenAI-compatible endpoint or an Ollama server.
 */
export const profileDefinition = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(100),
    purpose: z.enum(["answering", "embedding"], "purpose must be answering or embedding"),
    provider: z.enum(["openai", "ollama"], "provider must be openai (any OpenAI-compatible endpoint) or ollama"),
    model: z.string().trim().min(1, "model must not be empty").max(200),
    baseUrl: baseUrl.optional().meta({ description: "the provider's endpoint (required for ollama; OpenAI's own when absent for openai)" }),
    apiKey: z
      .string()
      .min(1, "apiKey must not be empty")
      .max(4_000)
      .optional()
      .meta({ description: "write-only: stored encrypted, never returned or logged; omit on update to keep the stored one" }),
    removeApiKey: z.boolean().default(false).meta({ description: "on update: forget the stored key" }),
    parameters: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        maxTokens: z.number().int().min(1).max(1_000_000).optional(),
        contextWindow: z.number().int().min(256).max(10_000_000).optional(),
      })
      .strict()
      .default({}),
    dimensions: z.number().int().min(1).max(20_000).optional().meta({ description: "embedding profiles: the vectors' size (default 1536)" }),
  })
  .strict()
  .superRefine((profile, context) => {
    if (profile.provider === "ollama" && !profile.baseUrl) context.addIssue({ code: "custom", path: ["baseUrl"], message: "baseUrl is required for ollama" });
    if (profile.purpose === "answering" && profile.dimensions !== undefined) context.addIssue({ code: "custom", path: ["dimensions"], message: "dimensions are for embedding profiles" });
    if (profile.purpose === "embedding" && Object.keys(profile.parameters).length > 0) context.addIssue({ code: "custom", path: ["parameters"], message: "parameters are for answering profiles" });
    if (profile.apiKey !== undefined && profile.removeApiKey) context.addIssue({ code: "custom", path: ["removeApiKey"], message: "give apiKey or removeApiKey, not both" });
  });

export type ProfileDefinition = z.output<typeof profileDefinition>;

/**
 * Which of its profiles a project uses: the one that answers, those tried in order when it fails
 * or is rate-limited, and the one that embeds. Absent: the deployment's defaults.
 */
export const modelSettings = z
  .object({
    answering: z.string().min(1).nullable().default(null).meta({ description: "an answering profile's id; null: the deployment's model" }),
    fallbacks: z.array(z.string().min(1)).max(5).default([]).meta({ description: "answering profiles tried in order when the one before fails or is rate-limited" }),
    embedding: z.string().min(1).nullable().default(null).meta({ description: "an embedding profile's id; null: the deployment's embedder. Changing it marks the project for a full re-index" }),
  })
  .strict()
  .refine((settings) => settings.answering !== null || settings.fallbacks.length === 0, { path: ["fallbacks"], message: "fallbacks need an answering profile" })
  .refine((settings) => new Set([settings.answering, ...settings.fallbacks]).size === settings.fallbacks.length + 1, { path: ["fallbacks"], message: "a profile is listed once" });

export type ModelSettingsChoice = z.output<typeof modelSettings>;
