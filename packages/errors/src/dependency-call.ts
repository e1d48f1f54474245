import { unavailable } from "./app-error.js";

/**
 * Runs a call to a dependency. A failure `isUnreachable` recognises becomes `unavailable`,
 * naming the dependency and the reason, so callers answer 503 and retry instead of reporting
 * an internal error; anything else is rethrown as it is.
 */
export async function callDependency<T>(dependency: string, isUnreachable: (error: unknown) => boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnreachable(error)) throw unavailable(`${dependency} is unreachable: ${(error as Error).message}`, error);
    throw error;
  }
}
