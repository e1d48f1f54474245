import { createLogger } from "@qamesh/logger";
import { gatewayClient, temporaryDirectory, type MeshHarness } from "@qamesh/testkit";
import { ephemeralStandaloneEnvironment, startStandalone, type RunningStandalone } from "../src/index.js";

export interface Harness extends MeshHarness {
  running: RunningStandalone;
  /**
   * Stops the mesh and starts a new one on the same data directory, as a process restart would;
   * `changed` settings apply from then on (a narrowed LOCAL_SOURCE_ROOTS, say).
   */
  restart(changed?: Record<string, string>): Promise<void>;
}

/**
 * The real standalone mesh on free ports, with a temporary data directory and no demo. Its log
 * is silent unless `logLines` is given: then every line, from debug up, is collected there.
 */
export async function startHarness(settings: Record<string, string> = {}, options: { logLines?: string[] } = {}): Promise<Harness> {
  const directory = await temporaryDirectory("e2e");
  let current = settings;
  const { logLines } = options;
  const logger = logLines
    ? createLogger({ service: "test", level: "debug", destination: { write: (line: string) => void logLines.push(line) } })
    : createLogger({ service: "test", level: "silent" });
  const start = () => startStandalone(ephemeralStandaloneEnvironment(directory.path, current), logger);
  let running = await start();
  return {
    ...gatewayClient(() => running.gatewayUrl),
    root: directory.path,
    get running() {
      return running;
    },
    get gatewayUrl() {
      return running.gatewayUrl;
    },
    async restart(changed = {}) {
      current = { ...current, ...changed };
      await running.stop();
      running = await start();
    },
    async stop() {
      await running.stop();
      await directory.remove();
    },
  };
}
