import { parseInput } from "@qamesh/errors";
import type { AllowedRoots, OutboundPolicy } from "@qamesh/source-safety";
import type { z } from "zod";
import type { SourceReader } from "./source-reader.js";
import type { WebhookDelivery, WebhookOutcome } from "./webhooks/webhook-delivery.js";

/** What the server allows a source to reach: checked when a source is added, and again by the workers at every run. */
export interface SourceEnvironment {
  allowedRoots: AllowedRoots;
  outboundPolicy: OutboundPolicy;
}

/** What a worker reading a source needs besides the source's settings. */
export interface ReaderEnvironment extends SourceEnvironment {
  /** Where repositories are mirrored. */
  repositoryCacheDirectory: string;
  /** Larger files are listed but not read. */
  maxFileBytes: number;
  /** Tells the run that reading waits (a provider's rate limit) for this many seconds, and why. */
  reportWaiting?: (seconds: number, reason: string) => void;
}

/** The source being read: mirrors and sealed secrets are bound to it. */
export interface SourceIdentity {
  projectId: string;
  sourceId: string;
}

export type Settings = Record<string, unknown>;

/**
 * Everything qamesh knows of one kind of source, in one place: the settings the API takes and
 * shows, the write-only secrets, the checks that need the server's environment, what makes two
 * sources the same, and how a worker reads it. The gateway builds its request schema and API
 * description from `config` and `secrets`; the ingestion service checks and stores with the
 * same definitions; the workers read with `openReader`. Adding a kind of source is adding a
 * definition to the registry.
 */
export interface SourceTypeDefinition<Config extends z.ZodObject, Secrets extends z.ZodObject> {
  type: string;
  /** What it reads, for the API description. */
  title: string;
  /** Its settings, as the API takes and shows them (field names are the request body's). */
  config: Config;
  /** Write-only settings: sealed at rest, never shown, never logged. */
  secrets: Secrets;
  /** The checks that need the server (allowed roots, outbound addresses); returns what is stored. */
  check(config: z.output<Config>, secrets: z.output<Secrets>, environment: SourceEnvironment): Promise<{ config: z.output<Config>; secrets: z.output<Secrets> }>;
  /** Two sources of a project must not read the same thing: equal identities collide. */
  identity(config: z.output<Config>): string;
  /** Where it reads from, in one line: the default name of a source, and what an overview shows. */
  location(config: z.output<Config>): string;
  openReader(config: z.output<Config>, secrets: z.output<Secrets>, environment: ReaderEnvironment, source: SourceIdentity): Promise<SourceReader>;
  /**
   * Authenticates a webhook delivery with the source's webhook secret (failing `unauthenticated`)
   * and says what it asks for. Types without it take no webhooks.
   */
  receiveWebhook?(delivery: WebhookDelivery, secret: string, config: z.output<Config>): Promise<WebhookOutcome>;
}

/** A definition with its types erased, so that one registry holds them all: settings are parsed on the way in. */
export interface SourceType {
  type: string;
  title: string;
  config: z.ZodObject;
  secrets: z.ZodObject;
  /** Parses and checks what a caller gave; errors name the request body's field. */
  check(config: unknown, secrets: unknown, environment: SourceEnvironment): Promise<{ config: Settings; secrets: Settings }>;
  identity(config: Settings): string;
  location(config: Settings): string;
  openReader(config: Settings, secrets: Settings, environment: ReaderEnvironment, source: SourceIdentity): Promise<SourceReader>;
  receiveWebhook: ((delivery: WebhookDelivery, secret: string, config: Settings) => Promise<WebhookOutcome>) | undefined;
}

export function defineSourceType<Config extends z.ZodObject, Secrets extends z.ZodObject>(definition: SourceTypeDefinition<Config, Secrets>): SourceType {
  const configOf = (input: unknown) => parseInput(definition.config, input, "") as z.output<Config>;
  const secretsOf = (input: unknown) => parseInput(definition.secrets, input, "") as z.output<Secrets>;
  return {
    type: definition.type,
    title: definition.title,
    config: definition.config,
    secrets: definition.secrets,
    check: async (config, secrets, environment) => definition.check(configOf(config), secretsOf(secrets), environment),
    identity: (config) => definition.identity(configOf(config)),
    location: (config) => definition.location(configOf(config)),
    openReader: async (config, secrets, environment, source) => definition.openReader(configOf(config), secretsOf(secrets), environment, source),
    receiveWebhook: definition.receiveWebhook && (async (delivery, secret, config) => definition.receiveWebhook!(delivery, secret, configOf(config))),
  };
}
