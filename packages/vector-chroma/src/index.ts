export { ChromaVectorIndex, type ChromaVectorIndexOptions } from "./chroma-vector-index.js";
