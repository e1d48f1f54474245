import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { lexicalEntry, searchTerms } from "@qamesh/chunk-index";
import { chunkId, FileChunker } from "@qamesh/connector-worker";
import { MongoLexicalIndex } from "@qamesh/lexical-mongo";
import { SqliteLexicalIndex } from "@qamesh/lexical-sqlite";
import type { LexicalEntry, LexicalIndex } from "@qamesh/ports";
import { percentile } from "./bench-api.js";
import type { CorpusFact } from "./generated-corpus.js";

/** As the connector worker writes: this many files per upsert, then their older versions dropped. */
const filesPerBatch = 20;
const searches = 50;

/**
 * The two LexicalIndex adapters side by side on the bench corpus, written the way the worker
 * writes it (a batch's chunks, then its files' older versions dropped), then searched with the
 * corpus questions: SQLite FTS5 (standalone) and MongoDB (distributed; here FerretDB on SQLite,
 * which answers only `_id` lookups from an index and reads the whole collection for any other
 * filter, so its search cost grows with the project where MongoDB's uses the terms index).
 */
export async function lexicalIndexBench(workDirectory: string, corpus: string, facts: readonly CorpusFact[], mongodbUri: string | undefined): Promise<string[]> {
  const chunker = new FileChunker();
  const files: LexicalEntry[][] = [];
  for (const fact of facts) {
    const text = await readFile(join(corpus, fact.path), "utf8");
    const chunks = await chunker.chunk(fact.path, text);
    files.push(
      chunks.map((chunk, index) =>
        lexicalEntry({
          id: chunkId("bench", "corpus", fact.path, index),
          projectId: "bench",
          sourceId: "corpus",
          path: fact.path,
          startLine: chunk.startLine,
          endLine: chunk.endLine,
          commit: "",
          contentHash: "v1",
          title: "",
          url: "",
          language: chunk.language,
          symbol: chunk.symbol,
          symbolKind: chunk.symbolKind,
          context: chunk.context,
          text: chunk.text,
        }),
      ),
    );
  }
  const chunkCount = files.reduce((sum, file) => sum + file.length, 0);
  const lines = [`lexical index — ${facts.length} files, ${chunkCount} chunks, written ${filesPerBatch} files per batch, then ${searches} searches`];
  const adapters: [string, () => Promise<LexicalIndex>][] = [["SQLite FTS5", async () => SqliteLexicalIndex.open(join(workDirectory, "lexical-bench.sqlite"))]];
  if (mongodbUri) adapters.push(["MongoDB (FerretDB)", () => MongoLexicalIndex.connect(mongodbUri, `qamesh_bench_lexical_${Date.now().toString(36)}`)]);
  for (const [name, open] of adapters) {
    const index = await open();
    const projectId = `bench${Date.now().toString(36)}`;
    try {
      const batchMs: number[] = [];
      const begin = performance.now();
      for (let start = 0; start < files.length; start += filesPerBatch) {
        const batch = files.slice(start, start + filesPerBatch).filter((file) => file.length > 0);
        const batchBegin = performance.now();
        await index.upsert(projectId, batch.flat());
        await index.deleteOtherVersions(projectId, "corpus", batch.map((file) => ({ path: file[0]!.chunk.path, contentHash: "v1" })));
        batchMs.push(performance.now() - batchBegin);
      }
      const seconds = (performance.now() - begin) / 1000;
      const searchMs: number[] = [];
      let firstHitCorrect = 0;
      for (let i = 0; i < searches; i++) {
        const fact = facts[(i * 7919) % facts.length]!;
        const searchBegin = performance.now();
        const hits = await index.search(projectId, searchTerms(fact.question), 40);
        searchMs.push(performance.now() - searchBegin);
        if (hits[0]?.chunk.path === fact.path) firstHitCorrect++;
      }
      lines.push(
        `  ${name.padEnd(20)} write: ${(chunkCount / seconds).toFixed(0)} chunks/s (batch p50 ${percentile(batchMs, 50).toFixed(0)} ms, p95 ${percentile(batchMs, 95).toFixed(0)} ms); ` +
          `search: p50 ${percentile(searchMs, 50).toFixed(1)} ms, p95 ${percentile(searchMs, 95).toFixed(1)} ms; first hit right ${firstHitCorrect}/${searches}`,
      );
      await index.delete(projectId, {});
    } finally {
      await index.close();
    }
  }
  return lines;
}
