import type { SourceDocument } from "@qamesh/connectors";
import { chunkText } from "./chunk-text.js";

/** A chunk of a ticket or page, with the link of the part it came from. */
export interface DocumentChunk {
  startLine: number;
  endLine: number;
  text: string;
  url: string;
}

/**
 * A ticket or page as indexed text, cut so that no chunk spans two of its parts: each chunk
 * links to the comment or section it came from, which is what its citation opens. Lines are
 * numbered through the whole document (title lines, then each part under its heading), so a
 * citation's lines are those of the document as the tools show it, rebuilt from its chunks.
 */
export function documentChunks(document: SourceDocument): DocumentChunk[] {
  // Plain lines, not Markdown headings: the prose chunker would cut the title off on its own.
  const header = [document.title, `${document.url} · by ${document.author || "unknown"} · updated ${document.updatedAt}`, ""];
  const parts = document.sections.length > 0 ? document.sections : [{ heading: "Description", text: "", url: document.url }];
  const chunks: DocumentChunk[] = [];
  let firstLine = 1;
  parts.forEach((section, index) => {
    // The first part carries the title lines, so even a short ticket's one chunk says what it is.
    const lines = [...(index === 0 ? header : []), `${section.heading}:`, ...section.text.replace(/\r\n?/g, "\n").split("\n"), ""];
    for (const chunk of chunkText(`${document.path}.md`, lines.join("\n"))) {
      chunks.push({ startLine: chunk.startLine + firstLine - 1, endLine: chunk.endLine + firstLine - 1, text: chunk.text, url: section.url });
    }
    firstLine += lines.length;
  });
  return chunks;
}
