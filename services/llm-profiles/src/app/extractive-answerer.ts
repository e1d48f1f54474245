import type { CompletionEvent, CompletionRequest, Llm, LlmDocument } from "@qamesh/ports";
import { textTokens } from "./text-tokens.js";

const passagesToQuote = 3;
const linesPerQuote = 4;

export const extractiveDisclaimer =
  "No LLM is configured, so this answer was not written by a language model: it quotes the indexed passages that best match your question, most relevant first.";

interface Quote {
  documentNumber: number;
  lines: string[];
  score: number;
}

/**
 * The offline answerer: for each retrieved passage it finds the few consecutive lines that
 * share the most (rarity-weighted) words with the question, then quotes the best passages
 * verbatim with their citation numbers. It says plainly that no LLM was used.
 */
export class ExtractiveAnswerer implements Llm {
  readonly name = "extractive";
  readonly callsTools = false;

  async *complete(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    for await (const text of this.quote(request)) yield { type: "text", text };
  }

  private async *quote(request: CompletionRequest): AsyncIterable<string> {
    const question = [...request.messages].reverse().find((message) => message.role === "user")?.content ?? "";
    const quotes = bestQuotes(question, request.documents);
    if (quotes.length === 0) {
      yield `${extractiveDisclaimer}\n\nNo indexed passage matches the question.`;
      return;
    }
    yield `${extractiveDisclaimer}\n`;
    for (const quote of quotes) {
      const title = request.documents[quote.documentNumber - 1]?.title ?? "";
      yield `\n[${quote.documentNumber}] ${title}\n`;
      for (const line of quote.lines) yield `> ${line}\n`;
    }
  }
}

function bestQuotes(question: string, documents: readonly LlmDocument[]): Quote[] {
  const questionTerms = new Set(textTokens(question));
  if (questionTerms.size === 0) return [];
  const documentTerms = documents.map((document) => new Set(textTokens(document.text)));
  // Rarer terms across the retrieved passages say more about which passage answers.
  const weight = (term: string) => Math.log(1 + documents.length / (1 + documentTerms.filter((terms) => terms.has(term)).length));
  const quotes = documents.map((document, index) => bestWindow(document.text, questionTerms, weight, index + 1));
  return quotes
    .filter((quote) => quote.score > 0)
    .sort((a, b) => b.score - a.score || a.documentNumber - b.documentNumber)
    .slice(0, passagesToQuote);
}

/**
 * Lines that only name other files or modules (imports, includes, package lines): they share
 * words with any question about what they import, and answer none.
 */
const importLine = /^\s*(import\b|export\s+(\*|\{[^}]*\})\s+from\b|from\s+\S+\s+import\b|#include\b|using\s+[\w.]+;|package\s+[\w.]+;?$|(const|let|var)\s+[\w{}\s,]+=\s*require\()/;

function bestWindow(text: string, questionTerms: Set<string>, weight: (term: string) => number, documentNumber: number): Quote {
  const lines = text.split("\n");
  const lineTerms = lines.map((line) => new Set(importLine.test(line) ? [] : textTokens(line).filter((term) => questionTerms.has(term))));
  let best: Quote = { documentNumber, lines: [], score: 0 };
  // Windows start and end on lines that match: no leading imports or blank lines ride along.
  for (let start = 0; start < lines.length; start++) {
    if (lineTerms[start]!.size === 0) continue;
    const matched = new Set<string>();
    for (let end = start; end < Math.min(lines.length, start + linesPerQuote); end++) {
      if (lineTerms[end]!.size === 0) continue;
      for (const term of lineTerms[end]!) matched.add(term);
      const score = [...matched].reduce((sum, term) => sum + weight(term), 0);
      if (score > best.score) best = { documentNumber, lines: lines.slice(start, end + 1), score };
    }
  }
  return best;
}
