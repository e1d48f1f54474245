import { afterEach, describe, expect, it } from "vitest";
import type { LexicalEntry, LexicalIndex, StoredChunk } from "@qamesh/ports";

function entry(projectId: string, id: string, textTerms: string[], overrides: Partial<StoredChunk> = {}): LexicalEntry {
  const chunk: StoredChunk = {
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
    text: textTerms.join(" "),
    ...overrides,
  };
  return { chunk, pathTerms: ["src", id, "ts"], textTerms };
}

const ids = (hits: { chunk: { id: string } }[]) => hits.map((hit) => hit.chunk.id);

/**
 * The behaviour every LexicalIndex adapter must have. `newStorage` gives an opener over fresh,
 * empty storage; calling that opener again opens another index over the same storage, as a
 * restarted or second process would.
 */
export function describeLexicalIndexContract(adapter: string, newStorage: () => () => Promise<LexicalIndex>): void {
  describe(`LexicalIndex contract: ${adapter}`, () => {
    const opened: LexicalIndex[] = [];
    const open = async (opener: () => Promise<LexicalIndex>) => {
      const index = await opener();
      opened.push(index);
      return index;
    };
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((index) => index.close()));
    });
    const filler = (projectId: string) =>
      Array.from({ length: 6 }, (_, i) => entry(projectId, `filler${i}`, ["common", "word", "function", `other${i}`]));

    it("ranks the chunk matching more, and rarer, terms first, and returns it intact", async () => {
      const index = await open(newStorage());
      const best = entry("p", "token", ["refresh", "access", "token", "common"], { startLine: 40, endLine: 61, title: "", url: "" });
      await index.upsert("p", [...filler("p"), entry("p", "partial", ["access", "common", "word"]), best]);
      const hits = await index.search("p", ["refresh", "access", "token"], 3);
      expect(ids(hits)[0]).toBe("token");
      expect(ids(hits)).toContain("partial");
      expect(hits[0]!.chunk).toEqual(best.chunk);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    });

    it("narrows a search to a language or a kind of symbol", async () => {
      const index = await open(newStorage());
      await index.upsert("p", [
        entry("p", "method", ["store", "put"], { language: "python", symbol: "Store.put", symbolKind: "method", context: "class Store:" }),
        entry("p", "section", ["store", "install"], { language: "markdown", symbol: "Install", symbolKind: "section", context: "Guide > Install" }),
      ]);
      const [method] = await index.search("p", ["put"], 1);
      expect(method!.chunk).toMatchObject({ symbol: "Store.put", symbolKind: "method", context: "class Store:", language: "python" });
      expect(ids(await index.search("p", ["store"], 5, { language: "markdown" }))).toEqual(["section"]);
      expect(ids(await index.search("p", ["store"], 5, { symbolKind: "method" }))).toEqual(["method"]);
      expect(await index.search("p", ["store"], 5, { language: "python", symbolKind: "section" })).toEqual([]);
    });

    it("counts a term in the path above the same term in the text", async () => {
      const index = await open(newStorage());
      const inText = entry("p", "a", ["limits", "other"]);
      const inPath = { ...entry("p", "b", ["other", "more"]), pathTerms: ["src", "limits", "ts"] };
      await index.upsert("p", [...filler("p"), inText, inPath]);
      expect(ids(await index.search("p", ["limits"], 2))).toEqual(["b", "a"]);
    });

    it("returns nothing for terms no chunk has, for no terms, and for a project with no chunks", async () => {
      const index = await open(newStorage());
      await index.upsert("p", filler("p"));
      expect(await index.search("p", ["absent"], 5)).toEqual([]);
      expect(await index.search("p", [], 5)).toEqual([]);
      expect(await index.search("nobody", ["common"], 5)).toEqual([]);
    });

    it("replaces a chunk by id: its old terms no longer find it", async () => {
      const index = await open(newStorage());
      await index.upsert("p", [entry("p", "a", ["before"])]);
      await index.upsert("p", [entry("p", "a", ["after"])]);
      expect(await index.search("p", ["before"], 5)).toEqual([]);
      expect(ids(await index.search("p", ["after"], 5))).toEqual(["a"]);
    });

    it("keeps projects apart", async () => {
      const index = await open(newStorage());
      await index.upsert("p", [entry("p", "a", ["shared"])]);
      await index.upsert("q", [entry("q", "b", ["shared"])]);
      expect(ids(await index.search("p", ["shared"], 5))).toEqual(["a"]);
      expect(ids(await index.search("q", ["shared"], 5))).toEqual(["b"]);
    });

    it("deletes by source, by file and by project", async () => {
      const index = await open(newStorage());
      await index.upsert("p", [
        entry("p", "a", ["term"], { sourceId: "s1", path: "a.ts" }),
        entry("p", "b", ["term"], { sourceId: "s1", path: "b.ts" }),
        entry("p", "c", ["term"], { sourceId: "s2", path: "a.ts" }),
      ]);
      await index.upsert("q", [entry("q", "d", ["term"])]);
      await index.delete("p", { sourceId: "s1", path: "a.ts" });
      expect(ids(await index.search("p", ["term"], 5)).sort()).toEqual(["b", "c"]);
      await index.delete("p", { sourceId: "s2" });
      expect(ids(await index.search("p", ["term"], 5))).toEqual(["b"]);
      await index.delete("p", {});
      expect(await index.search("p", ["term"], 5)).toEqual([]);
      expect(ids(await index.search("q", ["term"], 5))).toEqual(["d"]);
      await index.upsert("p", [entry("p", "e", ["term"])]);
      expect(ids(await index.search("p", ["term"], 5))).toEqual(["e"]);
    });

    it("drops chunks of older versions of a file and keeps the current ones", async () => {
      const index = await open(newStorage());
      await index.upsert("p", [
        entry("p", "old", ["term"], { path: "a.ts", contentHash: "h1" }),
        entry("p", "new", ["term"], { path: "a.ts", contentHash: "h2" }),
        entry("p", "other", ["term"], { path: "b.ts", contentHash: "h1" }),
      ]);
      await index.deleteOtherVersions("p", "s1", [{ path: "a.ts", contentHash: "h2" }]);
      expect(ids(await index.search("p", ["term"], 5)).sort()).toEqual(["new", "other"]);
    });

    it("keeps a file's rewritten chunks and drops the ones its shorter new version no longer has", async () => {
      const index = await open(newStorage());
      const version = (hash: string, count: number, word: string) =>
        Array.from({ length: count }, (_, i) => entry("p", `a.ts#${i}`, [word, `part${i}`], { path: "a.ts", contentHash: hash }));
      await index.upsert("p", version("h1", 3, "before"));
      await index.upsert("p", version("h2", 2, "after"));
      await index.deleteOtherVersions("p", "s1", [{ path: "a.ts", contentHash: "h2" }]);
      expect(await index.search("p", ["before"], 5)).toEqual([]);
      expect(ids(await index.search("p", ["after"], 5)).sort()).toEqual(["a.ts#0", "a.ts#1"]);
      expect(await index.search("p", ["part2"], 5)).toEqual([]);
      await index.delete("p", { sourceId: "s1", path: "a.ts" });
      expect(await index.search("p", ["after"], 5)).toEqual([]);
    });

    it("is seen by another instance over the same storage, also after that one dropped the project", async () => {
      const opener = newStorage();
      const writer = await open(opener);
      const reader = await open(opener);
      expect(await reader.search("p", ["term"], 5)).toEqual([]);
      await writer.upsert("p", [entry("p", "a", ["term"])]);
      expect(ids(await reader.search("p", ["term"], 5))).toEqual(["a"]);
      await reader.delete("p", {});
      expect(await writer.search("p", ["term"], 5)).toEqual([]);
      await writer.upsert("p", [entry("p", "b", ["term"])]);
      expect(ids(await reader.search("p", ["term"], 5))).toEqual(["b"]);
      await expect(writer.ping()).resolves.toBeUndefined();
    });
  });
}
