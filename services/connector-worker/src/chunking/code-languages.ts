/** A language the syntax-aware chunker parses: its name in chunk metadata and its grammar file. */
export interface CodeLanguage {
  name: string;
  /** File of `@vscode/tree-sitter-wasm`'s wasm folder (grammars built for the same runtime ABI as web-tree-sitter 0.27). */
  grammar: string;
}

const language = (name: string, grammar = name): CodeLanguage => ({ name, grammar: `tree-sitter-${grammar}.wasm` });
const typescript = language("typescript");
const javascript = language("javascript");

/** By file extension. Others are cut by lines (code) or paragraphs (prose). */
const byExtension: Record<string, CodeLanguage> = {
  ".ts": typescript,
  ".mts": typescript,
  ".cts": typescript,
  ".tsx": language("typescript", "tsx"),
  ".js": javascript,
  ".mjs": javascript,
  ".cjs": javascript,
  ".jsx": javascript,
  ".py": language("python"),
  ".go": language("go"),
  ".java": language("java"),
  ".rs": language("rust"),
  ".rb": language("ruby"),
  ".php": language("php"),
  ".cs": language("csharp", "c-sharp"),
  ".cpp": language("cpp"),
  ".cc": language("cpp"),
  ".hpp": language("cpp"),
  ".sh": language("bash"),
  ".bash": language("bash"),
};

export function codeLanguageOf(path: string): CodeLanguage | undefined {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : byExtension[path.slice(dot).toLowerCase()];
}

/**
 * Syntax nodes that define something a question may name, and the kind a chunk's metadata
 * gives them. Node type names are the grammars' own (tree-sitter's TypeScript, JavaScript,
 * Python, Go, Java, Rust, Ruby, PHP, C#, C++); one table serves all, as the names do not clash.
 */
export const definitionKinds: Readonly<Record<string, string>> = {
  class_declaration: "class",
  abstract_class_declaration: "class",
  class_definition: "class",
  class_specifier: "class",
  record_declaration: "class",
  struct_item: "struct",
  struct_specifier: "struct",
  interface_declaration: "interface",
  trait_item: "interface",
  enum_declaration: "enum",
  enum_item: "enum",
  type_alias_declaration: "type",
  type_spec: "type",
  function_declaration: "function",
  generator_function_declaration: "function",
  function_definition: "function",
  function_item: "function",
  method_definition: "method",
  method_declaration: "method",
  method: "method",
  singleton_method: "method",
  constructor_declaration: "constructor",
  internal_module: "namespace",
  namespace_declaration: "namespace",
  mod_item: "module",
  module: "module",
  impl_item: "impl",
};

/** Nodes that wrap one definition without being one: `export`, decorators, Go's `type (...)`. */
export const definitionWrappers: ReadonlySet<string> = new Set(["export_statement", "decorated_definition", "type_declaration", "lexical_declaration", "variable_declaration"]);

/** Values that make `const name = ...` a definition of a function or class. */
export const definedValues: Readonly<Record<string, string>> = {
  arrow_function: "function",
  function_expression: "function",
  function: "function",
  generator_function: "function",
  class: "class",
};
