import { chunkProse, headingRows, type ChunkLimits } from "./chunk-text.js";
import type { SourceChunk } from "./syntax-chunks.js";

const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

interface Section {
  /** 0-based rows, end exclusive. */
  start: number;
  end: number;
  path: string[];
}

/**
 * Markdown cut at its headings: each section (a heading and what follows, up to the next
 * heading) is a chunk whose symbol is its heading and whose context is the path of headings
 * above it ("Run it > Distributed"); a section larger than the limits is cut by paragraphs, every
 * piece keeping the path. A heading with nothing under it before the next one goes with the
 * next section. `#` lines inside fenced code blocks are code, not headings.
 */
export function markdownChunks(lines: readonly string[], limits: ChunkLimits): SourceChunk[] {
  const sections: Section[] = [];
  const trail: { level: number; title: string }[] = [];
  const headings = headingRows(lines);
  let start = 0;
  let path: string[] = [];
  lines.forEach((line, row) => {
    const match = headings.has(row) ? heading.exec(line) : null;
    if (!match) return;
    if (row > start) sections.push({ start, end: row, path });
    const level = match[1]!.length;
    while (trail.length > 0 && trail.at(-1)!.level >= level) trail.pop();
    trail.push({ level, title: match[2]! });
    path = trail.map((entry) => entry.title);
    start = row;
  });
  if (start < lines.length) sections.push({ start, end: lines.length, path });

  const chunks: SourceChunk[] = [];
  let pending: Section | undefined;
  for (const section of sections) {
    // A lone heading (its subsection follows at once) is kept with what comes next.
    const from = pending ? pending.start : section.start;
    pending = undefined;
    const body = lines.slice(section.start, section.end);
    if (body.every((line, index) => line.trim() === "" || (index === 0 && headings.has(section.start)))) {
      pending = { ...section, start: from };
      continue;
    }
    const meta = { language: "markdown", symbol: section.path.at(-1) ?? "", symbolKind: section.path.length > 0 ? "section" : "", context: section.path.join(" > ") };
    const sectionLines = lines.slice(from, section.end);
    const chars = sectionLines.reduce((sum, line) => sum + line.length + 1, 0);
    if (chars <= limits.maxChars && sectionLines.length <= limits.maxLines) {
      const text = sectionLines.join("\n").replace(/\n+$/, "");
      chunks.push({ startLine: from + 1, endLine: from + text.split("\n").length, text, ...meta });
    } else {
      for (const piece of chunkProse([...sectionLines], limits, from + 1)) chunks.push({ ...piece, ...meta });
    }
  }
  if (pending) {
    const text = lines.slice(pending.start, pending.end).join("\n").replace(/\n+$/, "");
    if (text.trim() !== "") chunks.push({ startLine: pending.start + 1, endLine: pending.start + text.split("\n").length, text, language: "markdown", symbol: pending.path.at(-1) ?? "", symbolKind: "section", context: pending.path.join(" > ") });
  }
  return chunks;
}
