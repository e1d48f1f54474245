export * from "./hybrid-chunk-index.js";
export * from "./reciprocal-rank-fusion.js";
export * from "./search-terms.js";
export * from "./test-files.js";
