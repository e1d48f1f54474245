import { describe, expect, it } from "vitest";
import { chunkText } from "./chunk-text.js";

const numbered = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i + 1)).join("\n");

describe("chunkText for code", () => {
  it("keeps a small file in one chunk with its exact line range", () => {
    const chunks = chunkText("src/a.ts", "const a = 1;\nconst b = 2;\n");
    expect(chunks).toEqual([{ startLine: 1, endLine: 2, text: "const a = 1;\nconst b = 2;" }]);
  });

  it("covers every line exactly once, in order, within the limits", () => {
    const source = numbered(250, (i) => `line ${i}`);
    const chunks = chunkText("src/big.ts", source, { maxLines: 40, maxChars: 10_000 });
    expect(chunks[0]!.startLine).toBe(1);
    expect(chunks.at(-1)!.endLine).toBe(250);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.startLine).toBe(chunks[i - 1]!.endLine + 1);
    for (const chunk of chunks) {
      expect(chunk.endLine - chunk.startLine + 1).toBeLessThanOrEqual(40);
      expect(chunk.text.split("\n")[0]).toBe(`line ${chunk.startLine}`);
    }
  });

  it("ends a chunk after a closing brace rather than in the middle of the next function", () => {
    const fn = (name: string) => [`function ${name}() {`, ...Array.from({ length: 8 }, (_, i) => `  step${i}();`), "}"];
    const source = [...fn("first"), ...fn("second"), ...fn("third")].join("\n");
    const chunks = chunkText("src/fns.ts", source, { maxLines: 25, maxChars: 10_000 });
    expect(chunks[0]).toMatchObject({ startLine: 1, endLine: 20 });
    expect(chunks[1]!.text.startsWith("function third() {")).toBe(true);
  });

  it("cuts a line longer than the limit into pieces that keep its line number, so no chunk is larger than the limit", () => {
    const minified = Array.from({ length: 900 }, (_, i) => `var a${i}=${i};`).join("");
    const chunks = chunkText("src/min.js", ["short", minified].join("\n"), { maxLines: 60, maxChars: 1000 });
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(1000);
    expect(chunks[0]).toMatchObject({ startLine: 1, endLine: 1, text: "short" });
    const pieces = chunks.slice(1);
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) expect(piece).toMatchObject({ startLine: 2, endLine: 2 });
    expect(pieces.map((chunk) => chunk.text).join("")).toBe(minified);
  });

  it("cuts a long line inside prose too", () => {
    const chunks = chunkText("docs/data.md", `# Data\n\n${"word ".repeat(2000)}\n`, { maxLines: 60, maxChars: 500 });
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(500);
    expect(chunks.at(-1)!.endLine).toBe(3);
  });
});

describe("chunkText for prose", () => {
  it("starts a new chunk at each heading and never splits a paragraph", () => {
    const doc = ["# Intro", "", "First paragraph", "continues here.", "", "## Setup", "", "Run the installer.", "", "Then start it."].join("\n");
    const chunks = chunkText("docs/guide.md", doc);
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([[1, 4], [6, 10]]);
    expect(chunks[1]!.text).toBe("## Setup\n\nRun the installer.\n\nThen start it.");
  });

  it("packs paragraphs up to the character limit", () => {
    const paragraphs = numbered(6, (i) => `Paragraph ${i} ${"word ".repeat(30)}\n`);
    const chunks = chunkText("notes.txt", paragraphs, { maxLines: 100, maxChars: 400 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(400);
    expect(chunks.map((c) => c.text).join("\n\n")).toContain("Paragraph 6");
  });
});
