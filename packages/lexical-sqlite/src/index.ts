export { SqliteLexicalIndex } from "./sqlite-lexical-index.js";
