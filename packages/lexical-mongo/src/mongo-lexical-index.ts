import { MongoClient, type Collection, type Filter } from "mongodb";
import { callDependency } from "@qamesh/errors";
import { isMongoUnreachable } from "@qamesh/store-mongo";
import type { ChunkFilter, FileVersion, LexicalEntry, LexicalHit, LexicalIndex, SearchFilter, StoredChunk } from "@qamesh/ports";
import { rarity, termWeights } from "./term-weights.js";

interface TermsDocument {
  _id: string;
  projectId: string;
  sourceId: string;
  path: string;
  contentHash: string;
  chunk: StoredChunk;
  terms: string[];
  weights: number[];
}

/**
 * How many chunks a search scores at most. Candidates are the chunks holding the query's rarest
 * terms, added term by term while they fit; the common terms still count in every candidate's
 * score (each document carries all its weights), they just do not bring in candidates of
 * their own. A term in most chunks cannot lift a chunk none of the rare terms found above one
 * they did.
 */
const maxCandidates = 5_000;

const lexicalCall = <T>(work: () => Promise<T>): Promise<T> => callDependency("the lexical index (MongoDB)", isMongoUnreachable, work);

/**
 * The distributed LexicalIndex, on the deployment's MongoDB (any server speaking its protocol):
 * one document per chunk with its distinct terms and their BM25 weights, a multikey index on
 * (project, term), and BM25 scoring of the candidates at query time. It scales with the
 * database (shard by project) and needs no text-index feature: Chroma's self-hosted server has
 * no keyword ranking, and a text index would apply its own tokenizer to our split terms.
 * Writes are single-document upserts by chunk id, so a retried batch changes nothing.
 */
export class MongoLexicalIndex implements LexicalIndex {
  private constructor(
    private readonly client: MongoClient,
    private readonly chunks: Collection<TermsDocument>,
  ) {}

  static async connect(uri: string, database: string): Promise<MongoLexicalIndex> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    return lexicalCall(async () => {
      await client.connect();
      const chunks = client.db(database).collection<TermsDocument>("lexical_chunks");
      await chunks.createIndex({ projectId: 1, terms: 1 });
      await chunks.createIndex({ projectId: 1, sourceId: 1, path: 1 });
      return new MongoLexicalIndex(client, chunks);
    });
  }

  async upsert(projectId: string, entries: readonly LexicalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await lexicalCall(() =>
      this.chunks.bulkWrite(
        entries.map((entry) => {
          const { chunk } = entry;
          const document: TermsDocument = {
            _id: documentId(projectId, chunk.id),
            projectId,
            sourceId: chunk.sourceId,
            path: chunk.path,
            contentHash: chunk.contentHash,
            chunk,
            ...termWeights(entry),
          };
          return { replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } };
        }),
        { ordered: false },
      ),
    );
  }

  async search(projectId: string, terms: readonly string[], k: number, filter: SearchFilter = {}): Promise<LexicalHit[]> {
    const unique = [...new Set(terms)].filter((term) => term.length > 0);
    if (unique.length === 0) return [];
    return lexicalCall(async () => {
      const [documents, ...containing] = await Promise.all([
        this.chunks.countDocuments({ projectId }),
        ...unique.map((term) => this.chunks.countDocuments({ projectId, terms: term })),
      ]);
      const weightOf = new Map(unique.map((term, index) => [term, rarity(documents!, containing[index]!)]));
      const selective: string[] = [];
      let expected = 0;
      for (const index of unique.map((_, i) => i).sort((a, b) => containing[a]! - containing[b]!)) {
        if (containing[index] === 0) continue;
        if (selective.length > 0 && expected + containing[index]! > maxCandidates) break;
        selective.push(unique[index]!);
        expected += containing[index]!;
      }
      if (selective.length === 0) return [];
      const candidates = await this.chunks
        .find({ projectId, terms: { $in: selective }, ...narrowedBy(filter) }, { projection: { chunk: 1, terms: 1, weights: 1 } })
        .limit(maxCandidates)
        .toArray();
      const hits = candidates.map((candidate) => {
        let score = 0;
        candidate.terms.forEach((term, index) => {
          const idf = weightOf.get(term);
          if (idf !== undefined) score += idf * candidate.weights[index]!;
        });
        return { chunk: candidate.chunk, score };
      });
      return hits.sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id)).slice(0, k);
    });
  }

  async delete(projectId: string, filter: ChunkFilter): Promise<void> {
    const query: Filter<TermsDocument> = { projectId };
    if (filter.sourceId !== undefined) query.sourceId = filter.sourceId;
    if (filter.path !== undefined) query.path = filter.path;
    await lexicalCall(() => this.chunks.deleteMany(query));
  }

  async deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void> {
    if (current.length === 0) return;
    await lexicalCall(() =>
      this.chunks.deleteMany({ projectId, sourceId, $or: current.map(({ path, contentHash }) => ({ path, contentHash: { $ne: contentHash } })) }),
    );
  }

  async ping(): Promise<void> {
    await lexicalCall(() => this.chunks.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A search's filter on the stored chunk's metadata (term statistics stay the whole project's). */
function narrowedBy(filter: SearchFilter): Filter<TermsDocument> {
  return {
    ...(filter.language !== undefined ? { "chunk.language": filter.language } : {}),
    ...(filter.symbolKind !== undefined ? { "chunk.symbolKind": filter.symbolKind } : {}),
  };
}

/** Chunk ids are a project's own; the document id makes them unique across projects. */
const documentId = (projectId: string, chunkId: string) => `${projectId}\u0000${chunkId}`;
