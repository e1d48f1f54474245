import { describe, expect, it } from "vitest";
import { FileChunker } from "./file-chunker.js";
import type { SourceChunk } from "./syntax-chunks.js";

/** Limits small enough that the samples below must be cut. */
const small = { maxLines: 6, maxChars: 400 };
const chunker = new FileChunker({ code: small, text: small });
const roomy = new FileChunker();

const summary = (chunks: readonly SourceChunk[]) => chunks.map((chunk) => `${chunk.startLine}-${chunk.endLine} ${chunk.symbolKind} ${chunk.symbol}`.trim());

/** Code chunks share the file's lines out exactly: each starts after the previous, none is lost. */
function expectExactPartition(text: string, chunks: readonly SourceChunk[]): void {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  expect(chunks[0]!.startLine).toBe(1);
  expect(chunks.at(-1)!.endLine).toBe(lines.length);
  chunks.forEach((chunk, index) => {
    if (index > 0) expect(chunk.startLine).toBe(chunks[index - 1]!.endLine + 1);
    expect(chunk.text).toBe(lines.slice(chunk.startLine - 1, chunk.endLine).join("\n"));
  });
}

const typescript = `import { Clock } from "./clock";

/** Keeps a session's credentials fresh. */
export class SessionKeeper {
  constructor(private readonly clock: Clock) {}

  /** Called before each request. */
  async refreshAccessToken(session: Session): Promise<Session> {
    if (session.expiresAt > this.clock.now()) return session;
    const next = await exchange(session.grant);
    const bearer = next.bearer;
    const expiresAt = next.expiresAt;
    return { ...session, bearer, expiresAt };
  }
}

export const double = (x: number) => x * 2;
export function triple(x: number) { return x * 3; }
`;

describe("syntax-aware chunking", () => {
  it("cuts TypeScript at its definitions, descending into a class too large for one chunk, each piece prefixed with the signatures above it", async () => {
    const chunks = await chunker.chunk("src/session-keeper.ts", typescript);
    expect(summary(chunks)).toEqual([
      "1-1",
      "2-5 method SessionKeeper.constructor",
      "6-11 method SessionKeeper.refreshAccessToken",
      "12-15 method SessionKeeper.refreshAccessToken",
      "16-18 function double, triple",
    ]);
    expectExactPartition(typescript, chunks);
    expect(chunks[1]!.context).toBe("export class SessionKeeper {");
    expect(chunks[3]!.context).toBe("export class SessionKeeper {\nasync refreshAccessToken(session: Session): Promise<Session> {");
    expect(chunks[4]!.context).toBe("");
    expect(chunks.every((chunk) => chunk.language === "typescript")).toBe(true);
  });

  it("packs small siblings together up to the limit, keeping a doc comment with what it documents", async () => {
    const chunks = await roomy.chunk("src/session-keeper.ts", typescript);
    expect(summary(chunks)).toEqual(["1-18 class SessionKeeper, double, triple"]);
    const withComment = await chunker.chunk("a.ts", "const a = 1;\n\n/** b's doc */\nfunction b() {\n  return a;\n}\n");
    expect(summary(withComment)).toEqual(["1-6 function b"]);
  });

  it("splits a function too large for any chunk at its statements, and a statement too large at its lines", async () => {
    const body = Array.from({ length: 12 }, (_, i) => `  const v${i} = compute(${i});`).join("\n");
    const source = `function large() {\n${body}\n  return [${Array.from({ length: 12 }, (_, i) => `v${i}`).join(", ")}];\n}\n`;
    const chunks = await chunker.chunk("large.js", source);
    expectExactPartition(source, chunks);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => chunk.symbol === "large" && chunk.symbolKind === "function" && chunk.language === "javascript")).toBe(true);
    expect(chunks.every((chunk) => chunk.endLine - chunk.startLine + 1 <= small.maxLines)).toBe(true);
    expect(chunks[1]!.context).toBe("function large() {");

    const literal = `export const table = [\n${Array.from({ length: 30 }, (_, i) => `  ${i},`).join("\n")}\n];\n`;
    const pieces = await chunker.chunk("table.ts", literal);
    expectExactPartition(literal, pieces);
    expect(pieces.every((chunk) => chunk.endLine - chunk.startLine + 1 <= small.maxLines)).toBe(true);
  });

  it("cuts Python classes into methods, decorated ones included", async () => {
    const python = `import os


class Store(Base):
    """Keeps things."""

    limit = 10

    @staticmethod
    def open(path):
        return Store()

    def put(self, key, value):
        self.items[key] = value
        return True


def helper(x):
    return x * 2
`;
    const chunks = await chunker.chunk("store.py", python);
    expect(summary(chunks)).toEqual(["1-1", "2-7 class Store", "8-11 method Store.open", "12-15 method Store.put", "16-19 function helper"]);
    expectExactPartition(python, chunks);
    expect(chunks[2]!.context).toBe("class Store(Base):");
    expect(chunks[2]!.language).toBe("python");
  });

  it("names Go methods by their receiver's type and keeps comments with the declaration below them", async () => {
    const go = `package store

import "fmt"

// Item is one stored thing.
type Item struct {
\tKey   string
\tValue string
}

// Put stores an item.
func (s *Store) Put(item Item) error {
\tfmt.Println(item.Key)
\treturn nil
}
`;
    const chunks = await chunker.chunk("store.go", go);
    expect(summary(chunks)).toEqual(["1-3", "4-9 type Item", "10-15 method Store.Put"]);
    expectExactPartition(go, chunks);
    expect(chunks[2]!.text.startsWith("\n// Put stores an item.")).toBe(true);
  });

  it("cuts Java classes into constructors and methods under the class signature", async () => {
    const java = `package store;

import java.util.Map;

public class Store extends Base {
  private final Map<String, String> items;

  public Store() {
    this.items = new HashMap<>();
  }

  /** Stores a value. */
  public boolean put(String key, String value) {
    return items.put(key, value) == null;
  }
}
`;
    const chunks = await chunker.chunk("Store.java", java);
    expect(summary(chunks)).toEqual(["1-3", "4-6 class Store", "7-10 constructor Store.Store", "11-16 method Store.put"]);
    expectExactPartition(java, chunks);
    expect(chunks[3]!.context).toBe("public class Store extends Base {");
  });

  it("falls back to line windows for languages without a grammar", async () => {
    const chunks = await chunker.chunk("notes.kt", Array.from({ length: 10 }, (_, i) => `val x${i} = ${i}`).join("\n"));
    expect(chunks.map((chunk) => [chunk.startLine, chunk.endLine])).toEqual([
      [1, 6],
      [7, 10],
    ]);
    expect(chunks.every((chunk) => chunk.symbol === "" && chunk.language === "")).toBe(true);
  });
});

describe("Markdown chunking", () => {
  const markdown = `# Guide

Intro text.

## Install

\`\`\`sh
# this is a shell comment, not a heading
npm install
\`\`\`

## Use
### From the shell

Run it.
`;

  it("cuts at headings, keeping each section's heading path, a lone heading with the section under it, and code fences whole", async () => {
    const chunks = await chunker.chunk("docs/guide.md", markdown);
    expect(chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.symbol, chunk.context])).toEqual([
      [1, 3, "Guide", "Guide"],
      [5, 10, "Install", "Guide > Install"],
      [12, 15, "From the shell", "Guide > Use > From the shell"],
    ]);
    expect(chunks.every((chunk) => chunk.symbolKind === "section" && chunk.language === "markdown")).toBe(true);
    expect(chunks[1]!.text).toContain("# this is a shell comment");
  });

  it("cuts a section too large for one chunk by paragraphs, each piece keeping the path", async () => {
    const long = `# Big\n\n${Array.from({ length: 5 }, (_, i) => `Paragraph ${i} says something.\nIt goes on.`).join("\n\n")}\n`;
    const chunks = await chunker.chunk("big.md", long);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.context === "Big" && chunk.endLine - chunk.startLine + 1 <= small.maxLines)).toBe(true);
  });
});
