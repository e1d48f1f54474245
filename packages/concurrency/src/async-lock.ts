/**
 * Serialises async critical sections: a transaction spanning awaits keeps every other caller
 * of the same lock out until it is done.
 */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
