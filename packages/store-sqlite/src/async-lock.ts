/**
 * Serialises async critical sections. better-sqlite3 has one connection per store, so a
 * transaction spanning awaits must keep every other caller out until it commits.
 */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
