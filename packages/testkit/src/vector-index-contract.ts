import { afterEach, describe, expect, it } from "vitest";
import type { ChunkRecord, VectorIndex } from "@qamesh/ports";

const dimensions = 8;

function unitVector(seed: number): number[] {
  const vector = Array.from({ length: dimensions }, (_, i) => Math.sin(seed * (i + 1)));
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

function chunk(projectId: string, id: string, seed: number, overrides: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    id,
    projectId,
    sourceId: "s1",
    path: `src/${id}.ts`,
    startLine: 1,
    endLine: 10,
    commit: "c0ffee",
    contentHash: "h1",
    title: "",
    url: "",
    language: "typescript",
    symbol: "",
    symbolKind: "",
    context: "",
    text: `text of ${id}`,
    vector: unitVector(seed),
    ...overrides,
  };
}

/**
 * The behaviour every VectorIndex adapter must have. `newStorage` gives an opener over fresh,
 * empty storage; calling that opener again opens another index over the same storage, as a
 * restarted or second process would.
 */
export function describeVectorIndexContract(adapter: string, newStorage: () => () => Promise<VectorIndex>): void {
  describe(`VectorIndex contract: ${adapter}`, () => {
    const opened: VectorIndex[] = [];
    const track = async (opening: Promise<VectorIndex>) => {
      const index = await opening;
      opened.push(index);
      return index;
    };
    const open = () => track(newStorage()());
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((index) => index.close()));
    });

    it("finds the nearest chunk first, with its reference intact", async () => {
      const index = await open();
      await index.upsert("p", [chunk("p", "a", 1), chunk("p", "b", 2), chunk("p", "c", 3)]);
      const hits = await index.search("p", unitVector(2), 2);
      expect(hits.map((hit) => hit.chunk.id)).toEqual(["b", expect.any(String)]);
      expect(hits[0]!.score).toBeCloseTo(1, 4);
      const { vector: _vector, ...stored } = chunk("p", "b", 2);
      expect(hits[0]!.chunk).toEqual(stored);
    });

    it("keeps a ticket's or page's title and the URL of the part a chunk came from", async () => {
      const index = await open();
      const comment = chunk("p", "issue-12-comment", 4, { path: "issues/12", title: "#12 Refunds fail for EUR", url: "https://example.test/o/r/issues/12#issuecomment-99" });
      await index.upsert("p", [comment, chunk("p", "a", 1)]);
      const [hit] = await index.search("p", unitVector(4), 1);
      expect(hit!.chunk).toMatchObject({ path: "issues/12", title: "#12 Refunds fail for EUR", url: "https://example.test/o/r/issues/12#issuecomment-99" });
      expect((await index.list("p", { path: "src/a.ts" }))[0]).toMatchObject({ title: "", url: "" });
    });

    it("keeps what a chunk defines, and narrows a search to a language or a kind of symbol", async () => {
      const index = await open();
      const method = chunk("p", "method", 1, { language: "python", symbol: "Store.put", symbolKind: "method", context: "class Store:" });
      const section = chunk("p", "section", 2, { language: "markdown", symbol: "Install", symbolKind: "section", context: "Guide > Install" });
      await index.upsert("p", [method, section, chunk("p", "other", 3)]);
      const { vector: _vector, ...stored } = method;
      expect((await index.search("p", unitVector(1), 1))[0]!.chunk).toEqual(stored);
      expect((await index.search("p", unitVector(1), 3, { language: "markdown" })).map((hit) => hit.chunk.id)).toEqual(["section"]);
      expect((await index.search("p", unitVector(2), 3, { symbolKind: "method" })).map((hit) => hit.chunk.id)).toEqual(["method"]);
      expect(await index.search("p", unitVector(2), 3, { language: "python", symbolKind: "section" })).toEqual([]);
    });

    it("takes writes first thing in a process that finds the project's chunks already stored", async () => {
      const openOnStorage = newStorage();
      const first = await track(openOnStorage());
      await first.upsert("p", [chunk("p", "a", 1)]);
      await first.close();
      // A restarted worker's first call is a write (a batch), not a search.
      const restarted = await track(openOnStorage());
      await restarted.upsert("p", [chunk("p", "b", 2)]);
      await restarted.deleteOtherVersions("p", "s1", [{ path: "src/b.ts", contentHash: "h1" }]);
      expect((await restarted.list("p", {})).map((c) => c.id).sort()).toEqual(["a", "b"]);
      const another = await track(openOnStorage());
      await another.delete("p", { path: "src/a.ts" });
      expect((await restarted.search("p", unitVector(1), 10)).map((hit) => hit.chunk.id)).toEqual(["b"]);
    });

    it("overwrites on a repeated id instead of duplicating", async () => {
      const index = await open();
      await index.upsert("p", [chunk("p", "a", 1)]);
      await index.upsert("p", [chunk("p", "a", 1, { text: "second version" })]);
      const all = await index.list("p", {});
      expect(all.map((c) => [c.id, c.text])).toEqual([["a", "second version"]]);
    });

    it("never returns another project's chunks", async () => {
      const index = await open();
      await index.upsert("p1", [chunk("p1", "a", 1)]);
      await index.upsert("p2", [chunk("p2", "b", 1)]);
      expect((await index.search("p2", unitVector(1), 10)).map((hit) => hit.chunk.id)).toEqual(["b"]);
      expect(await index.search("unknown", unitVector(1), 10)).toEqual([]);
    });

    it("deletes by source, by path and leftovers of an older file version", async () => {
      const index = await open();
      await index.upsert("p", [
        chunk("p", "a1", 1, { path: "a.ts", contentHash: "new" }),
        chunk("p", "a2", 2, { path: "a.ts", contentHash: "old" }),
        chunk("p", "c1", 5, { path: "c.ts", contentHash: "c-new" }),
        chunk("p", "c2", 6, { path: "c.ts", contentHash: "c-old" }),
        chunk("p", "b", 3, { path: "b.ts" }),
        chunk("p", "o", 4, { sourceId: "s2", path: "it's.ts" }),
        chunk("p", "o2", 7, { sourceId: "s2", path: "a.ts", contentHash: "old" }),
      ]);
      await index.deleteOtherVersions("p", "s1", [
        { path: "a.ts", contentHash: "new" },
        { path: "c.ts", contentHash: "c-new" },
      ]);
      expect((await index.list("p", { path: "a.ts" })).map((c) => c.id).sort()).toEqual(["a1", "o2"]);
      expect((await index.list("p", { path: "c.ts" })).map((c) => c.id)).toEqual(["c1"]);
      expect((await index.list("p", { path: "b.ts" })).map((c) => c.id)).toEqual(["b"]);
      await index.deleteOtherVersions("p", "s1", [{ path: "it's.ts", contentHash: "x" }]);
      expect((await index.list("p", { sourceId: "s2" })).map((c) => c.id).sort()).toEqual(["o", "o2"]);
      await index.delete("p", { sourceId: "s2", path: "it's.ts" });
      await index.delete("p", { sourceId: "s2", path: "a.ts" });
      expect((await index.list("p", { sourceId: "s2" })).map((c) => c.id)).toEqual([]);
      await index.delete("p", { sourceId: "s1" });
      expect(await index.list("p", {})).toEqual([]);
    });

    it("answers from a project another instance dropped and rebuilt with vectors of another size (a new embedding model)", async () => {
      const openOnStorage = newStorage();
      const writer = await track(openOnStorage());
      const reader = await track(openOnStorage());
      await writer.upsert("p", [chunk("p", "old", 1)]);
      expect((await reader.search("p", unitVector(1), 5)).map((hit) => hit.chunk.id)).toEqual(["old"]);
      expect(await reader.list("p", {})).toHaveLength(1);
      const wider = (seed: number) => [...unitVector(seed), ...unitVector(seed + 100)].map((value) => value / Math.SQRT2);
      await writer.delete("p", {});
      await writer.upsert("p", [{ ...chunk("p", "new", 2), vector: wider(2) }]);
      expect((await reader.search("p", wider(2), 5)).map((hit) => hit.chunk.id)).toEqual(["new"]);
      expect((await reader.list("p", {})).map((stored) => stored.id)).toEqual(["new"]);
    });

    it("drops a whole project", async () => {
      const index = await open();
      await index.upsert("p", [chunk("p", "a", 1)]);
      await index.upsert("q", [chunk("q", "a", 1)]);
      await index.delete("p", {});
      expect(await index.list("p", {})).toEqual([]);
      expect(await index.list("q", {})).toHaveLength(1);
    });
  });
}
