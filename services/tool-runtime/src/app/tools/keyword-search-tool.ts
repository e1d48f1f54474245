import { z } from "zod";
import { authorizeProject } from "@qamesh/authorization";
import { matchPassages, shownLine } from "./file-passages.js";
import type { IndexedFile, IndexedFiles } from "./indexed-files.js";
import { literal, matchingLines, type LineMatch } from "./line-matcher.js";
import { filesMatching } from "./path-filter.js";
import { pathGlob } from "./grep-repository-tool.js";
import { defineTool } from "./tool-definition.js";

/**
 * Matching lines gathered before ranking. Files are read in path order, so a term common enough
 * to pass this in a huge project ranks only the files up to that point; a lexical index will lift it.
 */
const maxCandidateLines = 50_000;

/** A term that starts and ends with a word character is matched as a whole word (an identifier); others anywhere. */
const termPattern = (term: string) => `${/^\w/.test(term) ? "\\b" : ""}${literal(term)}${/\w$/.test(term) ? "\\b" : ""}`;

export const keywordSearchTool = (files: IndexedFiles) =>
  defineTool({
    name: "keyword_search",
    description:
      "Finds exact words and identifiers (function, class, config and ticket names) in the project's files, best files first: those holding the most of the terms. Set regex to search with a regular expression instead.",
    parameters: z.object({
      query: z.string().min(1).max(500).describe("words or identifiers, separated by spaces (or a regular expression when regex is true)"),
      regex: z.boolean().default(false),
      path_glob: pathGlob,
      max_results: z.number().int().min(1).max(50).default(10),
    }),
    async run(principal, projectId, args) {
      authorizeProject(principal, projectId, "search");
      const candidates = filesMatching(await files.all(projectId), args.path_glob);
      const terms = args.regex ? [args.query] : [...new Set(args.query.split(/\s+/).filter(Boolean))];
      const patterns = args.regex ? terms : terms.map(termPattern);
      const { matches } = matchingLines(candidates, patterns.join("|"), { caseSensitive: false, limit: maxCandidateLines });
      const best = rankFiles(matches, patterns).slice(0, args.max_results);
      return {
        result: { results: best.map(({ match, termsFound, lines }) => ({ path: match.file.path, line: match.line, text: shownLine(match.file.lines[match.line - 1]!), termsFound, matchingLines: lines })) },
        passages: matchPassages(
          best.map(({ match }) => match),
          3,
        ),
      };
    },
  });

/** Per file: how many of the terms it holds, its matching lines, and the line holding the most terms. */
function rankFiles(matches: readonly LineMatch[], patterns: readonly string[]) {
  const expressions = patterns.map((pattern) => new RegExp(pattern, "iu"));
  const byFile = new Map<IndexedFile, { match: LineMatch; lineTerms: number; terms: Set<number>; lines: number }>();
  for (const match of matches) {
    // Literal terms (or the caller's pattern, already run once within the time budget) on a single line.
    const found = expressions.flatMap((expression, index) => (expression.test(match.file.lines[match.line - 1]!) ? [index] : []));
    const entry = byFile.get(match.file);
    if (!entry) byFile.set(match.file, { match, lineTerms: found.length, terms: new Set(found), lines: 1 });
    else {
      entry.lines++;
      for (const term of found) entry.terms.add(term);
      if (found.length > entry.lineTerms) Object.assign(entry, { match, lineTerms: found.length });
    }
  }
  return [...byFile.values()]
    .map((entry) => ({ match: entry.match, termsFound: entry.terms.size, lines: entry.lines }))
    .sort((a, b) => b.termsFound - a.termsFound || b.lines - a.lines || a.match.file.path.localeCompare(b.match.file.path));
}
