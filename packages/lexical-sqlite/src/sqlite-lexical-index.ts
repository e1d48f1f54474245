import type Database from "better-sqlite3";
import type { ChunkFilter, FileVersion, LexicalEntry, LexicalHit, LexicalIndex, SearchFilter, StoredChunk } from "@qamesh/ports";
import { openSqliteFile } from "@qamesh/store-sqlite";

/** BM25 weights of the two columns: a term in the path (a file named for it) counts twice one in the text. */
const pathWeight = 2;
const textWeight = 1;

interface ProjectTables {
  chunks: string;
  terms: string;
}

/**
 * The embedded LexicalIndex: SQLite's FTS5 with its BM25 ranking, in a file other processes of
 * the machine may share. Each project has two tables of its own (as it has its own LanceDB
 * table): its chunks, and an FTS5 table of their terms under the same row ids, so one project's
 * term statistics never rank another's chunks and dropping a project drops its tables. Terms
 * arrive split and normalised; FTS5's tokenizer only separates them.
 */
export class SqliteLexicalIndex implements LexicalIndex {
  private readonly ready = new Set<string>();

  private constructor(private readonly db: Database.Database) {}

  static open(file: string): SqliteLexicalIndex {
    return new SqliteLexicalIndex(openSqliteFile(file));
  }

  upsert(projectId: string, entries: readonly LexicalEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    this.withTables(projectId, true, (tables) => this.write(tables, entries));
    return Promise.resolve();
  }

  private write({ chunks, terms }: ProjectTables, entries: readonly LexicalEntry[]): void {
    const upsertChunk = this.db.prepare<[string, string, string, string, string], { rowid: number }>(
      `INSERT INTO ${chunks} (chunk_id, source_id, path, content_hash, chunk) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chunk_id) DO UPDATE SET source_id = excluded.source_id, path = excluded.path, content_hash = excluded.content_hash, chunk = excluded.chunk
       RETURNING rowid`,
    );
    const dropTerms = this.db.prepare(`DELETE FROM ${terms} WHERE rowid = ?`);
    const addTerms = this.db.prepare(`INSERT INTO ${terms} (rowid, path_terms, text_terms) VALUES (?, ?, ?)`);
    this.db.transaction(() => {
      for (const { chunk, pathTerms, textTerms } of entries) {
        const { rowid } = upsertChunk.get(chunk.id, chunk.sourceId, chunk.path, chunk.contentHash, JSON.stringify(chunk))!;
        dropTerms.run(rowid);
        addTerms.run(rowid, pathTerms.join(" "), textTerms.join(" "));
      }
    })();
  }

  search(projectId: string, terms: readonly string[], k: number, filter: SearchFilter = {}): Promise<LexicalHit[]> {
    const unique = [...new Set(terms)].filter((term) => term.length > 0);
    if (unique.length === 0) return Promise.resolve([]);
    const match = unique.map((term) => `"${term.replaceAll('"', '""')}"`).join(" OR ");
    // bm25() is lower for better matches; the port's score is higher for better ones.
    const narrowing = [
      ...(filter.language !== undefined ? [{ sql: "json_extract(c.chunk, '$.language') = ?", value: filter.language }] : []),
      ...(filter.symbolKind !== undefined ? [{ sql: "json_extract(c.chunk, '$.symbolKind') = ?", value: filter.symbolKind }] : []),
    ];
    const rows = this.withTables(projectId, false, (tables) =>
      this.db
        .prepare<(string | number)[], { chunk: string; rank: number }>(
          `SELECT c.chunk AS chunk, bm25(${tables.terms}, ${pathWeight}, ${textWeight}) AS rank
           FROM ${tables.terms} JOIN ${tables.chunks} c ON c.rowid = ${tables.terms}.rowid
           WHERE ${tables.terms} MATCH ?${narrowing.map((condition) => ` AND ${condition.sql}`).join("")} ORDER BY rank LIMIT ?`,
        )
        .all(match, ...narrowing.map((condition) => condition.value), k),
    );
    return Promise.resolve((rows ?? []).map((row) => ({ chunk: JSON.parse(row.chunk) as StoredChunk, score: -row.rank })));
  }

  delete(projectId: string, filter: ChunkFilter): Promise<void> {
    if (filter.sourceId === undefined && filter.path === undefined) {
      const tables = tableNames(projectId);
      this.db.exec(`DROP TABLE IF EXISTS ${tables.terms}; DROP TABLE IF EXISTS ${tables.chunks};`);
      this.ready.delete(projectId);
      return Promise.resolve();
    }
    const conditions: string[] = [];
    const values: string[] = [];
    if (filter.sourceId !== undefined) {
      conditions.push("source_id = ?");
      values.push(filter.sourceId);
    }
    if (filter.path !== undefined) {
      conditions.push("path = ?");
      values.push(filter.path);
    }
    this.withTables(projectId, false, (tables) => this.deleteWhere(tables, conditions.join(" AND "), values));
    return Promise.resolve();
  }

  deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void> {
    this.withTables(projectId, false, (tables) =>
      this.db.transaction(() => {
        for (const { path, contentHash } of current) this.deleteWhere(tables, "source_id = ? AND path = ? AND content_hash <> ?", [sourceId, path, contentHash]);
      })(),
    );
    return Promise.resolve();
  }

  ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }

  private deleteWhere(tables: ProjectTables, condition: string, values: readonly string[]): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM ${tables.terms} WHERE rowid IN (SELECT rowid FROM ${tables.chunks} WHERE ${condition})`).run(...values);
      this.db.prepare(`DELETE FROM ${tables.chunks} WHERE ${condition}`).run(...values);
    })();
  }

  /**
   * Runs `work` on the project's tables, creating them for a write (`create`); undefined, without
   * running it, when they do not exist. Another process may have dropped them since this one
   * saw them (a project emptied for a new embedding model): then it looks again, once.
   */
  private withTables<T>(projectId: string, create: boolean, work: (tables: ProjectTables) => T): T | undefined {
    for (let attempt = 1; ; attempt++) {
      const tables = this.tables(projectId, create);
      if (!tables) return undefined;
      try {
        return work(tables);
      } catch (error) {
        if (attempt > 1 || !/no such table/.test((error as Error).message)) throw error;
        this.ready.delete(projectId);
      }
    }
  }

  private tables(projectId: string, create: boolean): ProjectTables | undefined {
    const tables = tableNames(projectId);
    if (this.ready.has(projectId)) return tables;
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(tables.terms) !== undefined;
    if (!exists && !create) return undefined;
    if (!exists) {
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${tables.chunks} (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL, path TEXT NOT NULL, content_hash TEXT NOT NULL, chunk TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS ${tables.chunks}_file ON ${tables.chunks} (source_id, path);
         CREATE VIRTUAL TABLE IF NOT EXISTS ${tables.terms} USING fts5(path_terms, text_terms, tokenize = 'unicode61 remove_diacritics 0');`,
      );
    }
    this.ready.add(projectId);
    return tables;
  }
}

/** Project ids become hex, so a table name never needs quoting and never collides. */
function tableNames(projectId: string): ProjectTables {
  const name = Buffer.from(projectId, "utf8").toString("hex");
  return { chunks: `lexical_chunks_${name}`, terms: `lexical_terms_${name}` };
}
