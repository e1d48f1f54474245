import { invalidArgument } from "@qamesh/errors";

/**
 * How long stored and accepted texts may be, in characters. Every text a record keeps has a
 * limit, so no record, list page or response can grow past what the transports carry.
 */
export const textLimits = {
  projectId: 63,
  name: 200,
  description: 2000,
  url: 2048,
  path: 4096,
  branch: 200,
  question: 4000,
  query: 4000,
  /** A chat message; longer than a question, for pasted code or logs. */
  message: 16_000,
} as const;

/** Search hits one call may ask for. */
export const maxSearchResults = 50;

/**
 * The most of one passage a search hit or citation carries. Chunks are cut well below this;
 * the cap holds for anything indexed before they were, so no answer balloons.
 */
export const maxPassageChars = 4000;

/** List pages: the default size and the largest a caller may ask for. */
export const pageSizes = { default: 50, max: 200 } as const;

// Control characters are exactly what this must find.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;

/**
 * A single-line text within its limit: control characters (NUL, newlines) are refused at the
 * door instead of failing later, deep in a run.
 */
export function checkText(field: string, value: string, limit: number): string {
  const name = field.split(".").at(-1)!;
  if (value.length > limit) throw invalidArgument(field, `${name} must be at most ${limit} characters`);
  if (controlCharacters.test(value)) throw invalidArgument(field, `${name} must not contain control characters such as NUL or a line break`);
  return value;
}
