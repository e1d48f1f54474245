import type { Logger } from "@qamesh/logger";

/**
 * SIGTERM/SIGINT run `shutdown` once (stop accepting, drain, close stores); a second signal
 * while draining exits at once.
 */
export function shutdownOnSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal while draining; exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/**
 * Runs a process's start-up; a failure (a port in use, an unreadable data directory) ends the
 * process with one line saying what went wrong instead of a stack trace.
 */
export async function startOrExit<T>(service: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    process.stderr.write(`qamesh ${service}: could not start: ${reason}\n`);
    process.exit(1);
  }
}
