import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from "mongodb";
import { callDependency } from "@qamesh/errors";

/** Whether a driver error means the server cannot be reached (as opposed to refusing the operation). */
export function isMongoUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  );
}

/** A store call; an unreachable server fails it as `unavailable`. */
export const mongoCall = <T>(work: () => Promise<T>): Promise<T> => callDependency("the document store (MongoDB)", isMongoUnreachable, work);
