import type { Collection as DriverCollection, Filter as DriverFilter, FindOptions as DriverFindOptions, Sort } from "mongodb";
import { alreadyExists } from "@qamesh/errors";
import type { Collection, Filter, FindOptions, ProjectFilter, StoredDocument } from "@qamesh/ports";
import { mongoCall } from "./mongo-failures.js";
import { fromStored, recordKey, toStored, type MongoRecord } from "./stored-form.js";

export const duplicateKeyCode = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === duplicateKeyCode;
}

/** A collection read and written directly, each call atomic on its own document. */
export class MongoCollection<T extends StoredDocument> implements Collection<T> {
  constructor(private readonly records: DriverCollection<MongoRecord>) {}

  insert(document: T): Promise<void> {
    return mongoCall(async () => {
      try {
        await this.records.insertOne(toStored(document));
      } catch (error) {
        if (isDuplicateKey(error)) throw alreadyExists(`${document.id} already exists`);
        throw error;
      }
    });
  }

  put(document: T): Promise<void> {
    const record = toStored(document);
    return mongoCall(async () => void (await this.records.replaceOne({ _id: record._id }, record, { upsert: true })));
  }

  get(projectId: string, id: string): Promise<T | undefined> {
    return mongoCall(async () => {
      const record = await this.records.findOne({ _id: recordKey(projectId, id) });
      return record === null ? undefined : fromStored<T>(record);
    });
  }

  find(filter: ProjectFilter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    return this.findAcrossProjects(filter, options);
  }

  async findAcrossProjects(filter: Filter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    const query: DriverFindOptions = {};
    if (options.sort) {
      const direction = options.sort.direction === "desc" ? -1 : 1;
      query.sort = { [options.sort.field]: direction, id: 1 } as Sort;
    }
    if (options.limit !== undefined) {
      // MongoDB reads a limit of 0 as "no limit".
      if (options.limit < 1) return [];
      query.limit = Math.floor(options.limit);
    }
    let selection = filter as DriverFilter<MongoRecord>;
    if (options.sort && options.after) {
      const { field } = options.sort;
      const beyond = options.sort.direction === "desc" ? "$lt" : "$gt";
      const { value, id } = options.after;
      selection = { $and: [selection, { $or: [{ [field]: { [beyond]: value } }, { [field]: value, id: { $gt: id } }] }] } as DriverFilter<MongoRecord>;
    }
    const records = await mongoCall(() => this.records.find(selection, query).toArray());
    return records.map((record) => fromStored<T>(record));
  }

  delete(filter: ProjectFilter<T>): Promise<number> {
    return this.deleteAcrossProjects(filter);
  }

  deleteAcrossProjects(filter: Filter<T>): Promise<number> {
    return mongoCall(async () => (await this.records.deleteMany(filter as DriverFilter<MongoRecord>)).deletedCount);
  }
}
