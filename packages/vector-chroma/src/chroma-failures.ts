import { callDependency } from "@qamesh/errors";

function isUnreachable(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? "";
  // The client raises ChromaConnectionError; a refused socket can also surface as fetch's TypeError.
  return name === "ChromaConnectionError" || (error instanceof TypeError && /fetch failed/i.test(error.message));
}

/** An index call; an unreachable Chroma server fails it as `unavailable`. */
export const chromaCall = <T>(work: () => Promise<T>): Promise<T> => callDependency("the vector index (Chroma)", isUnreachable, work);
