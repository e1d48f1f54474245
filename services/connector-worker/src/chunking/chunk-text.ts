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
 * or closing bracket in its second half so functions and blocks tend to stay together.
 */
function chunkCode(lines: string[], limits: ChunkLimits): TextChunk[] {
  const chunks: TextChunk[] = [];
  let start = 0;
  while (start < lines.length) {
    let end = start;
    let chars = 0;
    while (end < lines.length && end - start < limits.maxLines && (chars + lines[end]!.length + 1 <= limits.maxChars || end === start)) {
      chars += lines[end]!.length + 1;
      end++;
    }
    if (end < lines.length) end = naturalBreak(lines, start, end);
    pushChunk(chunks, lines, start, end);
    start = end;
  }
  return chunks;
}

function naturalBreak(lines: string[], start: number, end: number): number {
  const earliest = start + Math.ceil((end - start) / 2);
  for (let candidate = end; candidate > earliest; candidate--) {
    const previous = lines[candidate - 1]!.trim();
    if (previous === "" || /^[}\])];?,?$/.test(previous)) return candidate;
  }
  return end;
}

/**
 * Prose: paragraphs (blank-line separated) are kept whole and packed together up to the
 * limits; a heading always starts a new chunk; a paragraph too long on its own is cut by lines.
 */
function chunkProse(lines: string[], limits: ChunkLimits): TextChunk[] {
  const paragraphs: { start: number; end: number }[] = [];
  let index = 0;
  while (index < lines.length) {
    while (index < lines.length && lines[index]!.trim() === "") index++;
    if (index >= lines.length) break;
    const start = index;
    while (index < lines.length && lines[index]!.trim() !== "" && !(index > start && /^#{1,6}\s/.test(lines[index]!))) index++;
    paragraphs.push({ start, end: index });
  }
  const chunks: TextChunk[] = [];
  let current: { start: number; end: number; chars: number } | undefined;
  const flush = () => {
    if (current) pushChunk(chunks, lines, current.start, current.end);
    current = undefined;
  };
  for (const paragraph of paragraphs) {
    const chars = lines.slice(paragraph.start, paragraph.end).reduce((sum, line) => sum + line.length + 1, 0);
    const lineCount = paragraph.end - paragraph.start;
    if (chars > limits.maxChars || lineCount > limits.maxLines) {
      flush();
      for (const piece of chunkCode(lines.slice(paragraph.start, paragraph.end), limits)) {
        chunks.push({ ...piece, startLine: piece.startLine + paragraph.start, endLine: piece.endLine + paragraph.start });
      }
      continue;
    }
    const startsSection = /^#{1,6}\s/.test(lines[paragraph.start]!);
    if (current && (startsSection || current.chars + chars > limits.maxChars || paragraph.end - current.start > limits.maxLines)) flush();
    current = current ? { start: current.start, end: paragraph.end, chars: current.chars + chars } : { ...paragraph, chars };
  }
  flush();
  return chunks;
}

function pushChunk(chunks: TextChunk[], lines: string[], start: number, end: number): void {
  const text = lines.slice(start, end).join("\n");
  if (text.trim() === "") return;
  chunks.push({ startLine: start + 1, endLine: end, text });
}
