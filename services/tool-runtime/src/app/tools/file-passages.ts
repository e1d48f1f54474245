import type { Passage } from "@qamesh/ports";
import type { IndexedFile } from "./indexed-files.js";
import type { LineMatch } from "./line-matcher.js";

/** The longest a line is shown to the model in a listing of matches. */
export const maxShownLineChars = 300;

export const shownLine = (text: string) => (text.length > maxShownLineChars ? `${text.slice(0, maxShownLineChars)}…` : text);

/** Lines `start`..`end` of a file (clamped to it), as a passage an answer can cite. */
export function filePassage(file: IndexedFile, start: number, end: number): Passage {
  const first = Math.max(1, start);
  const last = Math.min(file.lines.length, end);
  return {
    reference: {
      sourceId: file.sourceId,
      path: file.path,
      startLine: first,
      endLine: last,
      commit: file.commit,
      ...(file.title ? { title: file.title } : {}),
      ...(file.url ? { url: file.url } : {}),
    },
    text: file.lines.slice(first - 1, last).join("\n"),
  };
}

/** Each match with `context` lines around it; overlapping windows of one file become one passage. */
export function matchPassages(matches: readonly LineMatch[], context: number): Passage[] {
  const windows: { file: IndexedFile; start: number; end: number }[] = [];
  for (const { file, line } of matches) {
    const last = windows.at(-1);
    if (last && last.file === file && line - context <= last.end + 1) last.end = line + context;
    else windows.push({ file, start: line - context, end: line + context });
  }
  return windows.map(({ file, start, end }) => filePassage(file, start, end));
}
