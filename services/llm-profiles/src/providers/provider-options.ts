import { Ollama } from "ollama";

/**
 * What every provider client is made with: the model, its key, how it reaches the provider (a
 * project's profile goes through the guarded fetch: its URL is an admin's input), how often it
 * retries (a profile with fallbacks moves on instead), and the answering parameters.
 */
export interface ProviderOptions {
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  maxRetries?: number;
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  contextWindow?: number | undefined;
}

/** An Ollama client for the options: its key (for a server behind a proxy that wants one) as a bearer token. */
export function ollamaClient(options: ProviderOptions & { baseUrl: string }): Ollama {
  return new Ollama({
    host: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.apiKey ? { headers: { authorization: `Bearer ${options.apiKey}` } } : {}),
  });
}
