import type { Logger } from "@qamesh/logger";

/**
 * What must be undone when a service stops (clients to close, adapters to release), registered
 * as it is opened and undone in reverse order: the last thing opened is the first closed.
 */
export class Lifecycle {
  private readonly hooks: { name: string; hook: () => Promise<void> | void }[] = [];

  onStop(name: string, hook: () => Promise<void> | void): void {
    this.hooks.push({ name, hook });
  }

  /** Runs every hook once, even when one fails (which is logged). */
  async stop(logger: Logger): Promise<void> {
    for (const { name, hook } of this.hooks.splice(0).reverse()) {
      try {
        await hook();
      } catch (error) {
        logger.error({ err: error, component: name }, "could not stop cleanly");
      }
    }
  }
}
