/** Every stored record belongs to a project. A project record is its own project. */
export interface StoredDocument {
  id: string;
  projectId: string;
}

type Scalar = string | number | boolean | null;

/** Equality on top-level fields. */
export type Filter<T> = { [K in keyof T]?: Exclude<T[K], undefined> extends Scalar ? Exclude<T[K], undefined> : never };

/** Queries must name the project; the store adds nothing implicit. */
export type ProjectFilter<T extends StoredDocument> = Filter<T> & { projectId: string };

export interface FindOptions<T> {
  /** Records come ordered by this field, then by id (ascending) among equal values. */
  sort?: { field: keyof T & string; direction: "asc" | "desc" };
  limit?: number;
  /**
   * Only records after this position of the sort order (the sort field's value and the id of
   * the last record of the previous page): pages that neither skip nor repeat records when
   * others are added meanwhile. Needs `sort`.
   */
  after?: { value: string | number; id: string };
}

export interface Collection<T extends StoredDocument> {
  /** Fails with `already_exists` when the id is taken. */
  insert(document: T): Promise<void>;
  /** Inserts or replaces by id. */
  put(document: T): Promise<void>;
  get(projectId: string, id: string): Promise<T | undefined>;
  find(filter: ProjectFilter<T>, options?: FindOptions<T>): Promise<T[]>;
  /**
   * Across projects. Only for listings whose records are projects themselves, or for
   * infrastructure (the outbox relay); never for user-facing data of a project.
   */
  findAcrossProjects(filter: Filter<T>, options?: FindOptions<T>): Promise<T[]>;
  /** Returns how many were deleted. */
  delete(filter: ProjectFilter<T>): Promise<number>;
  /** Across projects, for infrastructure housekeeping only (expired markers); returns how many. */
  deleteAcrossProjects(filter: Filter<T>): Promise<number>;
}

export interface DocumentStore {
  collection<T extends StoredDocument>(name: string): Collection<T>;
  /**
   * Runs `work` atomically: everything written through the store it receives lands
   * together or not at all.
   */
  transaction<R>(work: (store: DocumentStore) => Promise<R>): Promise<R>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An index a service needs on one of its collections. Adapters with secondary indexes create
 * them at start-up; `unique` ones are what idempotency relies on.
 */
export interface DocumentIndex {
  collection: string;
  fields: readonly string[];
  unique?: boolean;
}
