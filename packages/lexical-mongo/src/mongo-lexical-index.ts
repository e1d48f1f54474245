import { MongoBulkWriteError, MongoClient, type AnyBulkWriteOperation, type Collection, type Db, type Filter, type OptionalUnlessRequiredId, type WithoutId } from "mongodb";
import { callDependency } from "@qamesh/errors";
import { isMongoUnreachable } from "@qamesh/store-mongo";
import type { ChunkFilter, FileVersion, LexicalEntry, LexicalHit, LexicalIndex, SearchFilter } from "@qamesh/ports";
import {
  chunkIdOf,
  createIndexes,
  fieldOf,
  fileKey,
  packWeights,
  projectCollections,
  unpackWeights,
  type ProjectCollections,
  type TermsDocument,
} from "./project-collections.js";
import { rarity, termWeights } from "./term-weights.js";

/**
 * How many chunks holding a query term a search reads at most (their terms and weights, not
 * their text). Below it a term's rarity is counted exactly from what was read; a project where
 * the query's terms are in more chunks than this ranks among the first ones read.
 */
const maxCandidates = 20_000;

/** MongoDB's duplicate-key error code. */
const duplicateKey = 11000;

const lexicalCall = <T>(work: () => Promise<T>): Promise<T> => callDependency("the lexical index (MongoDB)", isMongoUnreachable, work);

/**
 * The distributed LexicalIndex, on the deployment's MongoDB (any server speaking its protocol).
 * Each project has its own collections (see project-collections.ts): its chunks' terms with
 * their BM25 weights (a multikey index on the terms), the chunks' text, and which chunks each
 * file has. A search reads the terms documents holding any query term, counts each term's
 * rarity among them, scores them by BM25 and fetches the best ones' text.
 *
 * Writes and per-file deletions address documents by `_id` only, and a search is one query plus
 * one lookup per hit: on MongoDB any filter uses the indexes, but a MongoDB-compatible server
 * may run other filters by reading the whole collection (FerretDB 1.x on SQLite, which the tests
 * run on, does), and a query per term or per batch then costs a pass over the project each. No
 * text index: Chroma's self-hosted server has no keyword ranking, and a text index would apply
 * its own tokenizer to our split terms.
 */
export class MongoLexicalIndex implements LexicalIndex {
  /** Projects whose collections this process has given their indexes. */
  private readonly indexed = new Map<string, Promise<void>>();

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async connect(uri: string, database: string): Promise<MongoLexicalIndex> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    return lexicalCall(async () => {
      await client.connect();
      return new MongoLexicalIndex(client, client.db(database));
    });
  }

  async upsert(projectId: string, entries: readonly LexicalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await lexicalCall(async () => {
      const collections = await this.writable(projectId);
      // Listed before written: a listed chunk that was never written is a no-op to delete later,
      // one written but not listed would outlive every later version of its file. The terms go
      // last, so a search never finds a chunk whose text is not there yet.
      const byFile = new Map<string, LexicalEntry[]>();
      for (const entry of entries) {
        const key = fileKey(entry.chunk.sourceId, entry.chunk.path);
        const listed = byFile.get(key);
        if (listed) listed.push(entry);
        else byFile.set(key, [entry]);
      }
      await collections.files.bulkWrite(
        [...byFile].map(([key, listed]) => {
          const { sourceId, path } = listed[0]!.chunk;
          const versions = Object.fromEntries(listed.map(({ chunk }) => [`chunks.${fieldOf(chunk.id)}`, chunk.contentHash]));
          return { updateOne: { filter: { _id: key }, update: { $set: { sourceId, path, ...versions } }, upsert: true } };
        }),
        { ordered: false },
      );
      await insertOrReplace(
        collections.chunks,
        entries.map(({ chunk }) => ({ _id: chunk.id, sourceId: chunk.sourceId, path: chunk.path, chunk })),
      );
      await insertOrReplace(
        collections.terms,
        entries.map((entry) => {
          const { chunk } = entry;
          const { terms, weights } = termWeights(entry);
          return { _id: chunk.id, sourceId: chunk.sourceId, path: chunk.path, language: chunk.language, symbolKind: chunk.symbolKind, terms, weights: packWeights(weights) };
        }),
      );
    });
  }

  async search(projectId: string, terms: readonly string[], k: number, filter: SearchFilter = {}): Promise<LexicalHit[]> {
    const wanted = new Set(terms.filter((term) => term.length > 0));
    if (wanted.size === 0) return [];
    return lexicalCall(async () => {
      const collections = projectCollections(this.db, projectId);
      const candidates = await collections.terms.find({ terms: { $in: [...wanted] } }).limit(maxCandidates).toArray();
      if (candidates.length === 0) return [];
      const documents = await chunkCount(collections.terms);
      // Every chunk holding a query term is a candidate, so counting among them is counting in the project.
      const containing = new Map<string, number>();
      for (const candidate of candidates) {
        for (const term of candidate.terms) if (wanted.has(term)) containing.set(term, (containing.get(term) ?? 0) + 1);
      }
      const total = Math.max(documents, candidates.length);
      const idf = new Map([...containing].map(([term, count]) => [term, rarity(total, count)]));
      const best = candidates
        .filter((candidate) => matches(candidate, filter))
        .map((candidate) => ({ id: candidate._id, score: score(candidate, idf) }))
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
        .slice(0, k);
      // One lookup per hit by `_id`: the one filter every MongoDB-compatible server answers from an index.
      const found = await Promise.all(best.map(({ id }) => collections.chunks.findOne({ _id: id })));
      return best.flatMap(({ score }, index) => {
        const document = found[index];
        return document ? [{ chunk: document.chunk, score }] : [];
      });
    });
  }

  async delete(projectId: string, filter: ChunkFilter): Promise<void> {
    await lexicalCall(async () => {
      const collections = projectCollections(this.db, projectId);
      if (filter.sourceId !== undefined && filter.path !== undefined) {
        const key = fileKey(filter.sourceId, filter.path);
        const file = await collections.files.findOne({ _id: key });
        if (!file) return;
        await deleteChunks(collections, Object.keys(file.chunks).map(chunkIdOf));
        await collections.files.deleteOne({ _id: key });
        return;
      }
      const query = {
        ...(filter.sourceId !== undefined ? { sourceId: filter.sourceId } : {}),
        ...(filter.path !== undefined ? { path: filter.path } : {}),
      };
      await collections.terms.deleteMany(query);
      await collections.chunks.deleteMany(query);
      await collections.files.deleteMany(query);
    });
  }

  async deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void> {
    await lexicalCall(async () => {
      const collections = projectCollections(this.db, projectId);
      await Promise.all(
        current.map(async ({ path, contentHash }) => {
          const key = fileKey(sourceId, path);
          const file = await collections.files.findOne({ _id: key });
          const stale = Object.entries(file?.chunks ?? {}).flatMap(([field, hash]) => (hash === contentHash ? [] : [field]));
          if (stale.length === 0) return;
          // Chunks before their listing: if this stops in between, the next call finds them again.
          await deleteChunks(collections, stale.map(chunkIdOf));
          await collections.files.updateOne({ _id: key }, { $unset: Object.fromEntries(stale.map((field) => [`chunks.${field}`, ""])) });
        }),
      );
    });
  }

  async ping(): Promise<void> {
    await lexicalCall(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** The project's collections, with their indexes made once per process. */
  private async writable(projectId: string): Promise<ProjectCollections> {
    const collections = projectCollections(this.db, projectId);
    let indexed = this.indexed.get(projectId);
    if (!indexed) {
      indexed = createIndexes(collections);
      indexed.catch(() => this.indexed.delete(projectId));
      this.indexed.set(projectId, indexed);
    }
    await indexed;
    return collections;
  }
}

/**
 * Inserts the documents, replacing those whose `_id` exists. Inserting first suits a new file's
 * chunks (most writes), and an insert checks `_id` against its unique index on every server,
 * where a replace's filter may be run by reading the collection.
 */
async function insertOrReplace<T extends { _id: string }>(collection: Collection<T>, documents: OptionalUnlessRequiredId<T>[]): Promise<void> {
  let existing: OptionalUnlessRequiredId<T>[];
  try {
    await collection.insertMany(documents, { ordered: false });
    return;
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const failures = [error.writeErrors].flat();
    if (failures.length === 0 || failures.some((failure) => failure.code !== duplicateKey)) throw error;
    existing = failures.map((failure) => documents[failure.index]!);
  }
  await collection.bulkWrite(
    existing.map((document): AnyBulkWriteOperation<T> => ({
      replaceOne: { filter: { _id: document._id } as Filter<T>, replacement: document as WithoutId<T>, upsert: true },
    })),
    { ordered: false },
  );
}

/**
 * How many chunks the project has, from the collection's statistics (summed over shards): a
 * count command reads every document on a server without usable indexes (FerretDB 1.x: as
 * long as the search itself), the statistics do not.
 */
async function chunkCount(terms: Collection<TermsDocument>): Promise<number> {
  const shards = await terms.aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray();
  return shards.reduce((sum, shard) => sum + (shard.count ?? 0), 0);
}

/** Terms first: a search never finds a chunk whose text is gone. */
async function deleteChunks({ terms, chunks }: ProjectCollections, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await terms.bulkWrite(ids.map((id) => ({ deleteOne: { filter: { _id: id } } })), { ordered: false });
  await chunks.bulkWrite(ids.map((id) => ({ deleteOne: { filter: { _id: id } } })), { ordered: false });
}

function score(candidate: TermsDocument, idf: ReadonlyMap<string, number>): number {
  const weights = unpackWeights(candidate.weights);
  return candidate.terms.reduce((sum, term, index) => sum + (idf.get(term) ?? 0) * weights[index]!, 0);
}

function matches(candidate: Pick<TermsDocument, "language" | "symbolKind">, filter: SearchFilter): boolean {
  return (filter.language === undefined || candidate.language === filter.language) && (filter.symbolKind === undefined || candidate.symbolKind === filter.symbolKind);
}
