export { AsyncLock } from "./async-lock.js";
