import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@qamesh/authorization";
import type { ChunkRecord, ProjectSources } from "@qamesh/ports";
import { temporaryDirectory } from "@qamesh/testkit";
import { HybridChunkIndex } from "@qamesh/chunk-index";
import { SqliteLexicalIndex } from "@qamesh/lexical-sqlite";
import { LanceVectorIndex } from "@qamesh/vector-lance";
import { builtInTools } from "../src/app/tools/built-in-tools.js";
import { IndexedFiles } from "../src/app/tools/indexed-files.js";
import type { ToolDefinition } from "../src/app/tools/tool-definition.js";

const member = (projectId: string): Principal => ({ kind: "user", userId: "u1", username: "ann", globalRole: "user", project: { id: projectId, role: "member" } });
const commit = "0123456789abcdef0123456789abcdef01234567";
const longLine = `export const blob = "${"x".repeat(70)}";`;

/** Chunks as the worker cuts them: whole lines, a long line cut across chunks under its own number. */
function chunks(projectId: string, path: string, parts: { startLine: number; endLine: number; text: string }[]): ChunkRecord[] {
  return parts.map((part, index) => ({ id: `${projectId}:${path}:${index}`, projectId, sourceId: "src-1", path, commit, contentHash: "h", title: "", url: "", language: "", symbol: "", symbolKind: "", context: "", vector: [1, 0, 0], ...part }));
}

const retryFile = ["// Billing settings.", "export const currency = \"EUR\";", "", "/** Failed invoices are retried on this schedule. */", "export const reconcilerRetryMinutes = 17;", "export const reconcilerMaxAttempts = 5;"];

describe("the code tools, over a real LanceDB index", () => {
  const directory = temporaryDirectory("code-tools");
  let vectors: LanceVectorIndex;
  let lexical: SqliteLexicalIndex;
  let index: HybridChunkIndex;
  let tools: Map<string, ToolDefinition>;
  const run = (name: string, projectId: string, args: Record<string, unknown>) => tools.get(name)!.run(member(projectId), projectId, args);
  const failure = (name: string, projectId: string, args: Record<string, unknown>) => run(name, projectId, args).then(() => undefined, (error: unknown) => error);

  beforeAll(async () => {
    vectors = await LanceVectorIndex.open((await directory).path);
    lexical = SqliteLexicalIndex.open(`${(await directory).path}/lexical.sqlite`);
    index = new HybridChunkIndex(vectors, lexical);
    await index.upsert("p1", [
      ...chunks("p1", "src/billing/config.ts", [
        { startLine: 1, endLine: 3, text: retryFile.slice(0, 3).join("\n") },
        { startLine: 4, endLine: 6, text: retryFile.slice(3).join("\n") },
      ]),
      // Line 2 is too long for one chunk: its two halves are in two chunks.
      ...chunks("p1", "src/blob.ts", [
        { startLine: 1, endLine: 2, text: `// generated\n${longLine.slice(0, 40)}` },
        { startLine: 2, endLine: 3, text: `${longLine.slice(40)}\n// end` },
      ]),
      ...chunks("p1", "docs/retries.md", [{ startLine: 1, endLine: 3, text: "# Retries\n\nThe reconciler retries failed invoices." }]),
    ]);
    await index.upsert("p2", chunks("p2", "other.md", [{ startLine: 1, endLine: 1, text: "reconcilerRetryMinutes is not here" }]));
    const sources: ProjectSources = { sources: async () => [], recentRuns: async () => [] };
    const embedQuery = async () => [1, 0, 0];
    tools = new Map(builtInTools({ chunkIndex: index, embedQuery, files: new IndexedFiles(index), sources }).map((tool) => [tool.name, tool]));
  });

  afterAll(async () => {
    await vectors?.close();
    await lexical?.close();
    await (await directory).remove();
  });

  it("puts files back together from their chunks, a line cut across chunks included", async () => {
    const files = await new IndexedFiles(index).all("p1");
    expect(files.map((file) => file.path)).toEqual(["docs/retries.md", "src/billing/config.ts", "src/blob.ts"]);
    expect(files[1]!.lines).toEqual(retryFile);
    expect(files[2]!.lines).toEqual(["// generated", longLine, "// end"]);
  });

  it("greps every line for a pattern, with numbers, context passages at the indexed commit, and a glob", async () => {
    const { result, passages } = await run("grep_repository", "p1", { pattern: "reconciler(Retry|Max)" });
    expect((result as { matches: unknown[] }).matches).toEqual([
      { path: "src/billing/config.ts", line: 5, text: "export const reconcilerRetryMinutes = 17;" },
      { path: "src/billing/config.ts", line: 6, text: "export const reconcilerMaxAttempts = 5;" },
    ]);
    // Overlapping windows of one file make one passage: lines 3..6 (two lines of context, clamped to the file).
    expect(passages).toEqual([{ reference: { sourceId: "src-1", path: "src/billing/config.ts", startLine: 3, endLine: 6, commit }, text: retryFile.slice(2).join("\n") }]);
    const onlyDocs = await run("grep_repository", "p1", { pattern: "reconciler", path_glob: "*.md" });
    expect((onlyDocs.result as { matches: { path: string }[] }).matches.map((match) => match.path)).toEqual(["docs/retries.md"]);
    const caseSensitive = await run("grep_repository", "p1", { pattern: "RECONCILER", case_sensitive: true });
    expect((caseSensitive.result as { matches: unknown[] }).matches).toEqual([]);
  });

  it("stops a pattern that would backtrack forever and says why", async () => {
    await index.upsert("p1", chunks("p1", "src/trap.txt", [{ startLine: 1, endLine: 1, text: `${"a".repeat(40)}!` }]));
    const error = await failure("grep_repository", "p1", { pattern: "(a+)+$" });
    expect(error).toMatchObject({ code: "invalid_argument", field: "arguments.pattern", message: expect.stringContaining("did not finish") });
    expect(await failure("grep_repository", "p1", { pattern: "(unclosed" })).toMatchObject({ code: "invalid_argument", field: "arguments.pattern" });
    await index.delete("p1", { path: "src/trap.txt" });
  });

  it("opens a file at a line range, as a passage at the indexed commit, and refuses a range past its end", async () => {
    const { result, passages } = await run("open_file", "p1", { path: "src/billing/config.ts", start_line: 4, end_line: 5 });
    expect(result).toMatchObject({ path: "src/billing/config.ts", commit, startLine: 4, endLine: 5, totalLines: 6, more: true });
    expect(passages).toEqual([{ reference: { sourceId: "src-1", path: "src/billing/config.ts", startLine: 4, endLine: 5, commit }, text: retryFile.slice(3, 5).join("\n") }]);
    expect(await failure("open_file", "p1", { path: "src/billing/config.ts", start_line: 99 })).toMatchObject({ code: "invalid_argument", field: "arguments.start_line" });
    expect(await failure("open_file", "p1", { path: "src/billing/config.ts", start_line: 0 })).toMatchObject({ code: "invalid_argument", field: "arguments.start_line" });
    expect(await failure("open_file", "p1", { path: "nowhere.ts" })).toMatchObject({ code: "not_found" });
  });

  it("ranks files holding more of the keywords first, matching identifiers as whole words", async () => {
    const { result, passages } = await run("keyword_search", "p1", { query: "reconcilerRetryMinutes currency" });
    const results = (result as { results: { path: string; line: number; termsFound: number }[] }).results;
    expect(results.map((entry) => [entry.path, entry.line, entry.termsFound])).toEqual([["src/billing/config.ts", 2, 2]]);
    expect(passages[0]!.reference).toMatchObject({ path: "src/billing/config.ts", startLine: 1, endLine: 5 });
    // "reconciler" is a word of its own only in the doc; the identifiers merely contain it.
    const word = await run("keyword_search", "p1", { query: "reconciler" });
    expect((word.result as { results: { path: string }[] }).results.map((entry) => entry.path)).toEqual(["docs/retries.md"]);
  });

  it("lists files by glob", async () => {
    const { result } = await run("list_files", "p1", { path_glob: "src/**" });
    expect(result).toEqual({ files: [{ path: "src/billing/config.ts", sourceId: "src-1", lines: 6 }, { path: "src/blob.ts", sourceId: "src-1", lines: 3 }], total: 2, truncated: false });
  });

  it("reads only the caller's project", async () => {
    expect((await run("grep_repository", "p2", { pattern: "reconcilerMax" })).result).toMatchObject({ matches: [] });
    expect(await failure("open_file", "p2", { path: "src/billing/config.ts" })).toMatchObject({ code: "not_found" });
    // A member of p1 asking about p2 is told p2 does not exist.
    expect(await tools.get("list_files")!.run(member("p1"), "p2", {}).catch((error: unknown) => error)).toMatchObject({ code: "not_found" });
  });
});
