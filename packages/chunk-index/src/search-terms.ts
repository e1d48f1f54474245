import { stemmer } from "stemmer";

/**
 * Words too common in questions and comments to tell passages apart. Short on purpose: BM25
 * already discounts frequent terms; these are the ones that only ever add noise.
 */
const stopWords = new Set(
  ("a an and are as at be by can do does for from has have how i if in into is it its me my no not of on or our so that the their " +
    "then there these this to was we what when where which who why will with you your").split(" "),
);

/** Identifiers and words: letters and digits, with the underscores of snake_case kept inside. */
const tokenPattern = /[\p{L}\p{N}_]+/gu;

/**
 * The search terms of a text, in order: every word lowercased and stemmed ("refreshing" →
 * "refresh", "tokens" → "token"), and every identifier both whole and split into its words
 * (`refreshAccessToken` → "refreshaccesstoken", "refresh", "access", "token"; `snake_case`,
 * `kebab-case` and `HTTPServer` likewise). Index and query go through the same function, so
 * "refresh access token" finds `refreshAccessToken` and the identifier finds itself.
 */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [token] of text.matchAll(tokenPattern)) {
    const words = identifierWords(token);
    if (words.length > 1) terms.push(token.toLowerCase().replaceAll("_", ""));
    for (const word of words) {
      const lower = word.toLowerCase();
      if (stopWords.has(lower)) continue;
      terms.push(/^\p{N}+$/u.test(lower) ? lower : stemmer(lower));
    }
  }
  return terms;
}

/** An identifier's words: split at underscores, lower-to-upper changes, acronym ends and letter-digit changes. */
export function identifierWords(identifier: string): string[] {
  return identifier
    .split("_")
    .flatMap((part) => part.match(/\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|[^\p{Lu}\p{Ll}\p{N}]+/gu) ?? [])
    .filter((word) => word.length > 0);
}
