import type Database from "better-sqlite3";
import { alreadyExists } from "@qamesh/errors";
import type { Collection, Filter, FindOptions, ProjectFilter, StoredDocument } from "@qamesh/ports";

const fieldName = /^[A-Za-z_][A-Za-z0-9_]*$/;

function jsonPath(field: string): string {
  // Field names end up in SQL text; only plain identifiers are allowed there.
  if (!fieldName.test(field)) throw new Error(`unsupported field name in query: ${field}`);
  return `'$.${field}'`;
}

/** The SQL of a document field, written the same way in queries and indexes (SQLite uses an expression index only for the identical expression). */
export function fieldExpression(field: string): string {
  return `json_extract(doc, ${jsonPath(field)})`;
}

/** The table a collection lives in. */
export function collectionTable(name: string): string {
  if (!fieldName.test(name)) throw new Error(`invalid collection name: ${name}`);
  return `collection_${name}`;
}

function toSqlValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** One SQLite table per collection: the document as JSON, keyed by (project, id). */
export class SqliteCollection<T extends StoredDocument> implements Collection<T> {
  private readonly table: string;
  /** Prepared statements by their SQL: preparing one costs more than running it. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    name: string,
    private readonly withLock: <R>(work: () => R) => Promise<R>,
  ) {
    this.table = collectionTable(name);
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${this.table}" (project_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (project_id, id))`,
    );
  }

  insert(document: T): Promise<void> {
    return this.withLock(() => {
      try {
        this.statement(`INSERT INTO "${this.table}" (project_id, id, doc) VALUES (?, ?, ?)`)
          .run(document.projectId, document.id, JSON.stringify(document));
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
          throw alreadyExists(`${document.id} already exists`);
        }
        throw error;
      }
    });
  }

  put(document: T): Promise<void> {
    return this.withLock(() => {
      this.statement(`INSERT OR REPLACE INTO "${this.table}" (project_id, id, doc) VALUES (?, ?, ?)`)
        .run(document.projectId, document.id, JSON.stringify(document));
    });
  }

  get(projectId: string, id: string): Promise<T | undefined> {
    return this.withLock(() => {
      const row = this.statement(`SELECT doc FROM "${this.table}" WHERE project_id = ? AND id = ?`)
        .get(projectId, id) as { doc: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.doc) as T);
    });
  }

  find(filter: ProjectFilter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    return this.findAcrossProjects(filter, options);
  }

  findAcrossProjects(filter: Filter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    return this.withLock(() => {
      const { where, params } = this.whereClause(filter);
      let sql = `SELECT doc FROM "${this.table}"${where}`;
      if (options.sort && options.after) {
        const field = fieldExpression(options.sort.field);
        const beyond = options.sort.direction === "desc" ? "<" : ">";
        sql += `${where ? " AND" : " WHERE"} (${field} ${beyond} ? OR (${field} = ? AND id > ?))`;
        params.push(options.after.value, options.after.value, options.after.id);
      }
      if (options.sort) {
        sql += ` ORDER BY ${fieldExpression(options.sort.field)} ${options.sort.direction === "desc" ? "DESC" : "ASC"}, id`;
      }
      if (options.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
      const rows = this.statement(sql).all(...params) as { doc: string }[];
      return rows.map((row) => JSON.parse(row.doc) as T);
    });
  }

  delete(filter: ProjectFilter<T>): Promise<number> {
    return this.deleteAcrossProjects(filter);
  }

  deleteAcrossProjects(filter: Filter<T>): Promise<number> {
    return this.withLock(() => {
      const { where, params } = this.whereClause(filter);
      return this.statement(`DELETE FROM "${this.table}"${where}`).run(...params).changes;
    });
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // SQL texts carry limits; a store queried in very many shapes starts its cache over.
      if (this.statements.size >= 256) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private whereClause(filter: Filter<T>): { where: string; params: unknown[] } {
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      if (field === "projectId") {
        conditions.push("project_id = ?");
        params.push(value);
      } else if (field === "id") {
        conditions.push("id = ?");
        params.push(value);
      } else if (value === null) {
        conditions.push(`${fieldExpression(field)} IS NULL`);
      } else {
        conditions.push(`${fieldExpression(field)} = ?`);
        params.push(toSqlValue(value));
      }
    }
    return { where: conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "", params };
  }
}
