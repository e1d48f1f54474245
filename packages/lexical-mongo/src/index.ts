export { MongoLexicalIndex } from "./mongo-lexical-index.js";
export { termWeights } from "./term-weights.js";
