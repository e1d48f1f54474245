import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, Parser } from "web-tree-sitter";
import { chunkText, defaultChunkLimits, type ChunkLimits } from "./chunk-text.js";
import { codeLanguageOf, type CodeLanguage } from "./code-languages.js";
import { markdownChunks } from "./markdown-chunks.js";
import { syntaxChunks, syntaxChunkLimits, type SourceChunk } from "./syntax-chunks.js";

const grammarDirectory = dirname(createRequire(import.meta.url).resolve("@vscode/tree-sitter-wasm"));
const markdownExtensions = /\.(md|markdown|mdx)$/i;

/**
 * Cuts a file into chunks by what it is: code the grammars know at its definitions
 * (tree-sitter), Markdown at its headings, other prose by paragraphs, anything else by lines.
 * Grammars load once per process, on first use; a file a grammar cannot parse is cut by lines.
 */
export class FileChunker {
  private runtime: Promise<void> | undefined;
  private readonly parsers = new Map<string, Promise<Parser>>();

  constructor(private readonly limits: { code: ChunkLimits; text: ChunkLimits } = { code: syntaxChunkLimits, text: defaultChunkLimits }) {}

  async chunk(path: string, text: string): Promise<SourceChunk[]> {
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.at(-1) === "") lines.pop();
    if (markdownExtensions.test(path)) return markdownChunks(lines, this.limits.text);
    const language = codeLanguageOf(path);
    if (language) {
      const chunks = await this.syntaxChunks(lines, language).catch(() => undefined);
      if (chunks) return chunks;
    }
    return chunkText(path, text, this.limits.text).map((chunk) => ({ ...chunk, language: language?.name ?? "", symbol: "", symbolKind: "", context: "" }));
  }

  /** Undefined, or a failure, when the grammar cannot parse the file: the caller cuts it by lines. */
  private async syntaxChunks(lines: string[], language: CodeLanguage): Promise<SourceChunk[] | undefined> {
    const tree = (await this.parser(language)).parse(lines.join("\n"));
    try {
      return tree ? syntaxChunks(lines, tree.rootNode, language.name, this.limits.code) : undefined;
    } finally {
      tree?.delete();
    }
  }

  private parser(language: CodeLanguage): Promise<Parser> {
    let parser = this.parsers.get(language.grammar);
    if (!parser) {
      this.runtime ??= Parser.init();
      parser = this.runtime.then(async () => {
        const loaded = new Parser();
        loaded.setLanguage(await Language.load(join(grammarDirectory, language.grammar)));
        return loaded;
      });
      this.parsers.set(language.grammar, parser);
      // A grammar that failed to load is tried again next time rather than kept failed.
      void parser.catch(() => this.parsers.delete(language.grammar));
    }
    return parser;
  }
}
