import type { CallSignal } from "./project-models.js";

/** Where a passage comes from: a file and its lines, at a commit ("" for local folders). */
export interface PassageReference {
  sourceId: string;
  path: string;
  startLine: number;
  endLine: number;
  commit: string;
}

export interface RetrievedPassage {
  chunkId: string;
  score: number;
  text: string;
  reference: PassageReference;
}

/** Finds a project's passages for a question (the tool-runtime service in the mesh). */
export interface Retrieval {
  search(projectId: string, query: string, k: number, options?: CallSignal): Promise<RetrievedPassage[]>;
}
