import { resolve } from "node:path";
import type { Logger } from "@qamesh/logger";
import type { ChunkIndex, DocumentIndex, DocumentStore, EventBus } from "@qamesh/ports";
import { openDocumentStore, type DocumentStoreConfig } from "./document-store-from-config.js";
import { openEventBus, type EventBusConfig } from "./event-bus-from-config.js";
import { HybridChunkIndex } from "@qamesh/chunk-index";
import { openLexicalIndex, openVectorIndex, type ChunkIndexConfig } from "./chunk-index-from-config.js";

/** Registers what to do when the service that opened an adapter stops. */
export interface StopHooks {
  onStop(name: string, hook: () => Promise<void>): void;
}

interface Shared {
  adapter: Promise<{ close(): Promise<void> }>;
  users: number;
}

/**
 * Opens the adapters a service's configuration selects. Services of one process that name the
 * same embedded file or directory share one instance (standalone: one event log, one LanceDB
 * connection that sees every write at once), which closes when its last user stops. Real
 * servers get a client per service, as they would in separate processes.
 */
export class AdapterPool {
  private readonly shared = new Map<string, Shared>();

  eventBus(config: EventBusConfig, service: string, logger: Logger, hooks: StopHooks): Promise<EventBus> {
    const key = config.KAFKA_BROKERS ? `kafka:${service}` : `event log:${resolve(config.BUS_FILE)}`;
    return this.acquire(key, () => openEventBus(config, service, logger), hooks);
  }

  documentStore(config: DocumentStoreConfig, sqliteFile: string, indexes: readonly DocumentIndex[], logger: Logger, hooks: StopHooks): Promise<DocumentStore> {
    const key = config.MONGODB_URI ? `mongodb:${config.MONGODB_DATABASE}:${config.MONGODB_URI}` : `sqlite:${resolve(sqliteFile)}`;
    return this.acquire(key, () => openDocumentStore(config, sqliteFile, indexes, logger), hooks);
  }

  /** The vector and lexical indexes, each shared like the others, as one chunk index. */
  async chunkIndex(config: ChunkIndexConfig, hooks: StopHooks): Promise<ChunkIndex> {
    const vectorKey = config.CHROMA_URL ? `chroma:${config.CHROMA_COLLECTION_PREFIX}:${config.CHROMA_URL}` : `lancedb:${resolve(config.VECTOR_DIR)}`;
    const lexicalKey = config.MONGODB_URI ? `lexical-mongodb:${config.LEXICAL_MONGODB_DATABASE}:${config.MONGODB_URI}` : `lexical-sqlite:${resolve(config.LEXICAL_FILE)}`;
    const vectors = await this.acquire(vectorKey, () => openVectorIndex(config), hooks);
    const lexical = await this.acquire(lexicalKey, () => openLexicalIndex(config), hooks);
    return new HybridChunkIndex(vectors, lexical);
  }

  private async acquire<T extends { close(): Promise<void> }>(key: string, open: () => Promise<T>, hooks: StopHooks): Promise<T> {
    let entry = this.shared.get(key);
    if (!entry) {
      entry = { adapter: open(), users: 0 };
      this.shared.set(key, entry);
      // A failed open is not kept: the next service tries again.
      void entry.adapter.catch(() => this.shared.delete(key));
    }
    entry.users++;
    const current = entry;
    const adapter = (await current.adapter.catch((error: unknown) => {
      current.users--;
      throw error;
    })) as T;
    hooks.onStop(key.split(":")[0]!, async () => {
      if (--current.users > 0) return;
      this.shared.delete(key);
      await adapter.close();
    });
    return adapter;
  }
}
