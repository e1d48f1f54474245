const stopWords = new Set(
  "a an and are as at be by does do for from how i in is it its of on or that the this to was what when where which who why will with you your".split(" "),
);

/**
 * Words of a text as search terms: identifiers are split (camelCase, snake_case), lowercased,
 * crudely stemmed, stop words dropped. Code and prose go through the same function so a
 * question about "listensOnPort" matches "listens on port".
 */
export function textTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/[^A-Za-z0-9]+/)) {
    for (const part of word.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)) {
      const token = stem(part.toLowerCase());
      if (token.length > 1 && !stopWords.has(token)) tokens.push(token);
    }
  }
  return tokens;
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("es")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}
