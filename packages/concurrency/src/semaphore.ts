/**
 * Lets at most `limit` async tasks run at once; the others wait their turn in arrival order.
 * For engines that do not queue by themselves and pay for every task in flight at once.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error("a semaphore needs a limit of at least 1");
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so the count stays right.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
