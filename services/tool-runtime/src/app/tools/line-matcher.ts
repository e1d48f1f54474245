import { runInNewContext } from "node:vm";
import { invalidArgument } from "@qamesh/errors";
import type { IndexedFile } from "./indexed-files.js";

/** How long one search over the project's lines may run: a pattern that backtracks forever is stopped. */
const timeBudgetMs = 500;
const maxPatternChars = 500;

export interface LineMatch {
  file: IndexedFile;
  /** 1-based. */
  line: number;
}

/**
 * The lines of `files` matching `pattern` (a regular expression the model wrote, so hostile
 * input: it runs in a separate V8 context with a time budget, which stops catastrophic
 * backtracking), in file and line order, at most `limit`.
 */
export function matchingLines(files: readonly IndexedFile[], pattern: string, options: { caseSensitive: boolean; limit: number }): { matches: LineMatch[]; truncated: boolean } {
  if (pattern.length > maxPatternChars) throw invalidArgument("arguments.pattern", `pattern must be at most ${maxPatternChars} characters`);
  const flags = options.caseSensitive ? "u" : "iu";
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    throw invalidArgument("arguments.pattern", `not a valid regular expression: ${(error as Error).message}`);
  }
  const found: [number, number][] = [];
  const sandbox = { files: files.map((file) => file.lines), pattern, flags, limit: options.limit + 1, found };
  try {
    runInNewContext(
      `const expression = new RegExp(pattern, flags);
       outer: for (let f = 0; f < files.length; f++) {
         const lines = files[f];
         for (let l = 0; l < lines.length; l++) {
           if (expression.test(lines[l])) {
             found.push([f, l + 1]);
             if (found.length >= limit) break outer;
           }
         }
       }`,
      sandbox,
      { timeout: timeBudgetMs },
    );
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw invalidArgument("arguments.pattern", `the search did not finish within ${timeBudgetMs} ms; use a simpler pattern or narrow it with path_glob`);
    }
    throw error;
  }
  const matches = found.slice(0, options.limit).map(([file, line]) => ({ file: files[file]!, line }));
  return { matches, truncated: found.length > options.limit };
}

/** A regular expression matching `text` literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
