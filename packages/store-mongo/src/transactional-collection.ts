import { alreadyExists } from "@qamesh/errors";
import type { Collection, Filter, FindOptions, ProjectFilter, StoredDocument } from "@qamesh/ports";
import { matchesFilter, sortAndLimit } from "./in-memory-query.js";
import type { MongoCollection } from "./mongo-collection.js";
import type { StagedWrites } from "./staged-writes.js";
import { recordKey } from "./stored-form.js";

/**
 * A collection inside a transaction: writes are staged, reads see the committed records with
 * the transaction's own writes laid over them.
 */
export class TransactionalCollection<T extends StoredDocument> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly committed: MongoCollection<T>,
    private readonly staged: StagedWrites,
  ) {}

  async insert(document: T): Promise<void> {
    if (await this.get(document.projectId, document.id)) throw alreadyExists(`${document.id} already exists`);
    this.stage(document, true);
  }

  async put(document: T): Promise<void> {
    this.stage(document, false);
  }

  async get(projectId: string, id: string): Promise<T | undefined> {
    const write = this.staged.lookup(this.name, recordKey(projectId, id));
    if (write) return write.document === null ? undefined : (structuredClone(write.document) as T);
    return this.committed.get(projectId, id);
  }

  find(filter: ProjectFilter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    return this.findAcrossProjects(filter, options);
  }

  async findAcrossProjects(filter: Filter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    const writes = this.staged.inCollection(this.name);
    if (writes.length === 0) return this.committed.findAcrossProjects(filter, options);
    const touched = new Set(writes.map((write) => write.key));
    const untouched = (await this.committed.findAcrossProjects(filter, options.sort ? { sort: options.sort, ...(options.after ? { after: options.after } : {}) } : {})).filter(
      (document) => !touched.has(recordKey(document.projectId, document.id)),
    );
    const stagedMatches = writes
      .map((write) => write.document as T | null)
      .filter((document): document is T => document !== null && matchesFilter(document, filter))
      .map((document) => structuredClone(document));
    return sortAndLimit([...untouched, ...stagedMatches], options);
  }

  delete(filter: ProjectFilter<T>): Promise<number> {
    return this.deleteAcrossProjects(filter);
  }

  async deleteAcrossProjects(filter: Filter<T>): Promise<number> {
    const doomed = await this.findAcrossProjects(filter);
    for (const document of doomed) {
      this.staged.stage({ collection: this.name, key: recordKey(document.projectId, document.id), document: null, insert: false });
    }
    return doomed.length;
  }

  private stage(document: T, insert: boolean): void {
    this.staged.stage({
      collection: this.name,
      key: recordKey(document.projectId, document.id),
      document: structuredClone(document),
      insert,
    });
  }
}
