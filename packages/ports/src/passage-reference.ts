/** Where a passage comes from: a file and its lines, at a commit ("" for local folders). */
export interface PassageReference {
  sourceId: string;
  path: string;
  startLine: number;
  endLine: number;
  commit: string;
}
