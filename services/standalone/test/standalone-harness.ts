import { createLogger } from "@qamesh/logger";
import { gatewayClient, temporaryDirectory, type MeshHarness } from "@qamesh/testkit";
import { ephemeralStandaloneConfig, startStandalone, type RunningStandalone } from "../src/index.js";

export interface Harness extends MeshHarness {
  running: RunningStandalone;
  /** Stops the mesh and starts a new one on the same data directory, as a process restart would. */
  restart(): Promise<void>;
}

/** The real standalone mesh on free ports, with a temporary data directory and no demo. */
export async function startHarness(settings: Record<string, string> = {}): Promise<Harness> {
  const directory = await temporaryDirectory("e2e");
  const start = () => startStandalone(ephemeralStandaloneConfig(directory.path, settings), createLogger({ service: "test", level: "silent" }));
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
    async restart() {
      await running.stop();
      running = await start();
    },
    async stop() {
      await running.stop();
      await directory.remove();
    },
  };
}
