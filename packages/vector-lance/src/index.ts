export { LanceVectorIndex } from "./lance-vector-index.js";
