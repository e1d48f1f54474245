export { AsyncLock } from "./async-lock.js";
export * from "./semaphore.js";
