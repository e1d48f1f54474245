import type { Node } from "web-tree-sitter";
import { chunkCode, type ChunkLimits, type TextChunk } from "./chunk-text.js";
import { definedValues, definitionKinds, definitionWrappers } from "./code-languages.js";

/** A chunk with what it is part of: shown in citations, usable as a search filter, embedded with it. */
export interface SourceChunk extends TextChunk {
  /** "typescript", "python", "markdown"...; "" when not known. */
  language: string;
  /** The definitions the chunk holds (`SessionKeeper.refresh`), or the one it lies in; a Markdown section's heading. */
  symbol: string;
  /** "class", "function", "method", "section"...; "" when the chunk holds no definition. */
  symbolKind: string;
  /** What encloses the chunk and is not in it: the class and function signatures above it, or a section's heading path. */
  context: string;
}

/**
 * Syntax-aware chunks pack small siblings up to this size (a few functions or methods
 * together), and descend into anything larger (a class into its members, a function into its
 * statements). Chosen with `npm run eval:retrieval` (hybrid, hashing embedder): MRR 0.61 at
 * 1,800 characters / 80 lines, 0.58 at 1,000 / 40, 1,200 / 60 and 2,400 / 60.
 */
export const syntaxChunkLimits: ChunkLimits = { maxLines: 80, maxChars: 1800 };

const maxSignatureChars = 200;
const maxNamedSymbols = 3;
/** Deeper than any real nesting worth following; below it, lines are cut by size. */
const maxDepth = 12;

interface Definition {
  node: Node;
  name: string;
  kind: string;
}

/** The definitions enclosing a part of a file. */
interface Scope {
  names: string[];
  kind: string;
  signatures: string[];
}

/** A run of whole rows (0-based, inclusive) and the syntax nodes that start in it. */
interface Segment {
  start: number;
  end: number;
  nodes: Node[];
}

/**
 * Cuts a parsed file at its definitions: top-level statements and definitions are packed in
 * order while they fit the limits; one too large is cut at its own parts (a class at its members,
 * a function at its statements), whose chunks carry the signatures above them as context. The
 * chunks partition the file's lines exactly (comments and blank lines go with the definition
 * below them), so line ranges are exact for citations and the file can be rebuilt from them.
 * Anything without parts (a huge literal) is cut by lines.
 */
export function syntaxChunks(lines: readonly string[], root: Node, language: string, limits: ChunkLimits = syntaxChunkLimits): SourceChunk[] {
  const chunks: SourceChunk[] = [];
  const rowChars = lines.map((line) => line.length + 1);
  const charsOf = (segment: { start: number; end: number }) => {
    let sum = 0;
    for (let row = segment.start; row <= segment.end; row++) sum += rowChars[row] ?? 0;
    return sum;
  };
  const fits = (segment: { start: number; end: number }) => charsOf(segment) <= limits.maxChars && segment.end - segment.start + 1 <= limits.maxLines;

  const emit = (segments: readonly Segment[], scope: Scope) => {
    const start = segments[0]!.start;
    const end = segments.at(-1)!.end;
    const text = lines.slice(start, end + 1).join("\n");
    if (text.trim() === "") return;
    chunks.push({ startLine: start + 1, endLine: end + 1, text, language, ...describe(segments.flatMap((segment) => segment.nodes), scope) });
  };

  const pack = (segments: readonly Segment[], scope: Scope, depth: number) => {
    let current: Segment[] = [];
    const flush = () => {
      if (current.length > 0) emit(current, scope);
      current = [];
    };
    for (const segment of segments) {
      if (!fits(segment)) {
        flush();
        split(segment, scope, depth);
        continue;
      }
      if (current.length > 0 && !fits({ start: current[0]!.start, end: segment.end })) flush();
      current.push(segment);
    }
    flush();
  };

  const split = (segment: Segment, scope: Scope, depth: number) => {
    const node = segment.nodes.length === 1 ? segment.nodes[0] : undefined;
    const definition = node && definitionOf(node);
    const parts = node && depth < maxDepth ? partsOf(definition?.node ?? node) : undefined;
    const inner = definition ? enclosedBy(scope, inScope(definition, scope), lines) : scope;
    const segments = parts ? partition(parts, segment.start, segment.end) : [];
    if (segments.length < 2) {
      // Nothing to cut it at: by lines, each piece still saying what it lies in.
      const meta = describe(segment.nodes, scope);
      for (const piece of chunkCode(lines.slice(segment.start, segment.end + 1), limits, segment.start + 1)) {
        chunks.push({ ...piece, language, ...meta, ...(definition ? { symbol: inner.names.join("."), symbolKind: inner.kind } : {}) });
      }
      return;
    }
    pack(segments, inner, depth + 1);
  };

  pack(partition(root.namedChildren, 0, lines.length - 1), { names: [], kind: "", signatures: [] }, 0);
  return chunks;
}

/**
 * Rows `first`..`last` shared out among the nodes: each segment runs from the row after the
 * previous one to the end of its node, so leading comments and blank lines go with the node
 * below them and the last segment takes the rows after the last node (trailing comments
 * included). Nodes sharing a row share a segment.
 */
function partition(nodes: readonly Node[], first: number, last: number): Segment[] {
  const segments: Segment[] = [];
  for (const node of nodes) {
    // A comment belongs with what follows it: its rows fall to the next segment.
    if (node.type.endsWith("comment")) continue;
    const startRow = node.startPosition.row;
    const endRow = Math.min(endRowOf(node), last);
    if (endRow < first) continue;
    const previous = segments.at(-1);
    if (previous && startRow <= previous.end) {
      previous.end = Math.max(previous.end, endRow);
      previous.nodes.push(node);
      continue;
    }
    segments.push({ start: previous ? previous.end + 1 : first, end: endRow, nodes: [node] });
  }
  const tail = segments.at(-1);
  if (tail) tail.end = last;
  else if (first <= last) segments.push({ start: first, end: last, nodes: [] });
  return segments;
}

/** A node's last row; a node ending at column 0 ends on the row before (its trailing newline). */
function endRowOf(node: Node): number {
  const { row, column } = node.endPosition;
  return column === 0 && row > node.startPosition.row ? row - 1 : row;
}

/**
 * The parts a node is cut at: its body's statements or members, looking through nodes that
 * only wrap one larger node (Go's block, a call's arguments, a callback's body), so a test's
 * `describe(..., () => {...})` is cut at its `it` calls.
 */
function partsOf(node: Node): Node[] | undefined {
  let target = node.childForFieldName("body") ?? node;
  for (let depth = 0; depth < maxDepth; depth++) {
    const children = target.namedChildren;
    if (new Set(children.map((child) => child.startPosition.row)).size >= 2) return children;
    const largest = children.reduce<Node | undefined>((best, child) => (!best || rowsOf(child) > rowsOf(best) ? child : best), undefined);
    if (!largest || rowsOf(largest) < 2) return undefined;
    target = largest.childForFieldName("body") ?? largest;
  }
  return undefined;
}

const rowsOf = (node: Node) => node.endPosition.row - node.startPosition.row + 1;

/** The definition a node is, or wraps (`export class`, a decorated function, `const f = () => ...`). */
export function definitionOf(node: Node): Definition | undefined {
  const kind = definitionKinds[node.type];
  if (kind) {
    const name = (node.childForFieldName("name") ?? node.childForFieldName("type"))?.text ?? "";
    // Go names a method's type in its receiver, `func (s *Store) Put(...)`: Store.Put.
    const receiver = node.childForFieldName("receiver")?.descendantsOfType("type_identifier")[0]?.text;
    return name ? { node, name: receiver ? `${receiver}.${name}` : name, kind } : undefined;
  }
  if (!definitionWrappers.has(node.type)) return undefined;
  if (node.type === "lexical_declaration" || node.type === "variable_declaration") {
    const declarators = node.namedChildren.filter((child) => child.type === "variable_declarator");
    const value = declarators.length === 1 ? declarators[0]!.childForFieldName("value") : null;
    const name = declarators[0]?.childForFieldName("name")?.text;
    const valueKind = value ? definedValues[value.type] : undefined;
    return value && name && valueKind ? { node: value, name, kind: valueKind } : undefined;
  }
  for (const child of node.namedChildren) {
    const definition = definitionOf(child);
    if (definition) return definition;
  }
  return undefined;
}

function enclosedBy(scope: Scope, definition: Definition, lines: readonly string[]): Scope {
  const signature = (lines[definition.node.startPosition.row] ?? "").trim().slice(0, maxSignatureChars);
  return { names: [...scope.names, definition.name], kind: definition.kind, signatures: [...scope.signatures, signature] };
}

/** Kinds whose functions are methods (Python's `def` in a class is a function_definition). */
const memberScopes = new Set(["class", "interface", "struct", "impl"]);

/** A definition as its scope makes it: a function defined in a class is a method. */
function inScope(definition: Definition, scope: Scope): Definition {
  return definition.kind === "function" && memberScopes.has(scope.kind) ? { ...definition, kind: "method" } : definition;
}

/** A chunk's symbol and kind: the definitions it holds (qualified by the scope), else the scope's own. */
function describe(nodes: readonly Node[], scope: Scope): { symbol: string; symbolKind: string; context: string } {
  const definitions = nodes
    .map(definitionOf)
    .filter((definition): definition is Definition => definition !== undefined)
    .map((definition) => inScope(definition, scope));
  const context = scope.signatures.join("\n");
  if (definitions.length === 0) return { symbol: scope.names.join("."), symbolKind: scope.kind, context };
  const names = definitions.map((definition) => [...scope.names, definition.name].join("."));
  const shown = names.length > maxNamedSymbols ? [...names.slice(0, maxNamedSymbols), "…"] : names;
  return { symbol: shown.join(", "), symbolKind: definitions[0]!.kind, context };
}
