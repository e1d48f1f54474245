import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from "mongodb";
import { callDependency } from "@qamesh/errors";

function isUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  );
}

/** A store call; an unreachable server fails it as `unavailable`. */
export const mongoCall = <T>(work: () => Promise<T>): Promise<T> => callDependency("the document store (MongoDB)", isUnreachable, work);
