export interface TextChunk {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

export interface ChunkLimits {
  maxLines: number;
  maxChars: number;
}

export const defaultChunkLimits: ChunkLimits = { maxLines: 60, maxChars: 2400 };

const proseExtensions = new Set([".md", ".markdown", ".mdx", ".txt", ".rst", ".adoc", ".org"]);

export function isProse(path: string): boolean {
  const dot = path.lastIndexOf(".");
  return dot >= 0 && proseExtensions.has(path.slice(dot).toLowerCase());
}

/** Splits a file into chunks that keep whole lines, choosing boundaries by the kind of text. */
export function chunkText(path: string, text: string, limits: ChunkLimits = defaultChunkLimits): TextChunk[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return isProse(path) ? chunkProse(lines, limits) : chunkCode(lines, limits);
}

/**
 * Code: fill a chunk up to the limits, and when it must end, end it at the last blank line
 * or closing bracket in its second half so functions and blocks tend to stay together. A line
 * longer than the character limit (minified code, a data blob) is cut into pieces that each
 * keep the line's number, so no chunk is ever larger than the limit.
 */
export function chunkCode(lines: string[], limits: ChunkLimits, firstLine = 1): TextChunk[] {
  const pieces = piecesOf(lines, limits.maxChars, firstLine);
  const chunks: TextChunk[] = [];
  let start = 0;
  while (start < pieces.length) {
    let end = start;
    let chars = 0;
    while (end < pieces.length && pieces[end]!.line - pieces[start]!.line < limits.maxLines && (chars + pieces[end]!.text.length + 1 <= limits.maxChars || end === start)) {
      chars += pieces[end]!.text.length + 1;
      end++;
    }
    if (end < pieces.length) end = naturalBreak(pieces, start, end);
    pushPieces(chunks, pieces.slice(start, end));
    start = end;
  }
  return chunks;
}

/** A line, or a part of a line too long for one chunk. */
interface Piece {
  line: number;
  text: string;
  /** The next piece continues this line (no line break between them). */
  continued: boolean;
}

function piecesOf(lines: string[], maxChars: number, firstLine: number): Piece[] {
  const pieces: Piece[] = [];
  lines.forEach((text, index) => {
    const line = firstLine + index;
    if (text.length <= maxChars) {
      pieces.push({ line, text, continued: false });
      return;
    }
    for (let offset = 0; offset < text.length; offset += maxChars) {
      pieces.push({ line, text: text.slice(offset, offset + maxChars), continued: offset + maxChars < text.length });
    }
  });
  return pieces;
}

function naturalBreak(pieces: Piece[], start: number, end: number): number {
  const earliest = start + Math.ceil((end - start) / 2);
  for (let candidate = end; candidate > earliest; candidate--) {
    const previous = pieces[candidate - 1]!;
    if (previous.continued) continue;
    const text = previous.text.trim();
    if (text === "" || /^[}\])];?,?$/.test(text)) return candidate;
  }
  return end;
}

function pushPieces(chunks: TextChunk[], pieces: Piece[]): void {
  const text = pieces.map((piece, index) => piece.text + (piece.continued || index === pieces.length - 1 ? "" : "\n")).join("");
  if (text.trim() === "") return;
  chunks.push({ startLine: pieces[0]!.line, endLine: pieces.at(-1)!.line, text });
}

/**
 * Prose: paragraphs (blank-line separated) are kept whole and packed together up to the
 * limits; a heading always starts a new chunk; a paragraph too long on its own is cut by lines.
 */
export function chunkProse(lines: string[], limits: ChunkLimits, firstLine = 1): TextChunk[] {
  const headings = headingRows(lines);
  const paragraphs: { start: number; end: number }[] = [];
  let index = 0;
  while (index < lines.length) {
    while (index < lines.length && lines[index]!.trim() === "") index++;
    if (index >= lines.length) break;
    const start = index;
    while (index < lines.length && lines[index]!.trim() !== "" && !(index > start && headings.has(index))) index++;
    paragraphs.push({ start, end: index });
  }
  const chunks: TextChunk[] = [];
  let current: { start: number; end: number; chars: number } | undefined;
  const flush = () => {
    if (current) pushChunk(chunks, lines, current.start, current.end, firstLine);
    current = undefined;
  };
  for (const paragraph of paragraphs) {
    const chars = lines.slice(paragraph.start, paragraph.end).reduce((sum, line) => sum + line.length + 1, 0);
    const lineCount = paragraph.end - paragraph.start;
    if (chars > limits.maxChars || lineCount > limits.maxLines) {
      flush();
      chunks.push(...chunkCode(lines.slice(paragraph.start, paragraph.end), limits, firstLine + paragraph.start));
      continue;
    }
    const startsSection = headings.has(paragraph.start);
    if (current && (startsSection || current.chars + chars > limits.maxChars || paragraph.end - current.start > limits.maxLines)) flush();
    current = current ? { start: current.start, end: paragraph.end, chars: current.chars + chars } : { ...paragraph, chars };
  }
  flush();
  return chunks;
}

/** Rows that are Markdown headings: `#` lines outside fenced code blocks (where they are shell comments). */
export function headingRows(lines: readonly string[]): Set<number> {
  const rows = new Set<number>();
  let inFence = false;
  lines.forEach((line, row) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && /^#{1,6}\s/.test(line)) rows.add(row);
  });
  return rows;
}

function pushChunk(chunks: TextChunk[], lines: string[], start: number, end: number, firstLine: number): void {
  const text = lines.slice(start, end).join("\n");
  if (text.trim() === "") return;
  chunks.push({ startLine: firstLine + start, endLine: firstLine + end - 1, text });
}
