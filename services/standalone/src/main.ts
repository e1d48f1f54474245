import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseConfigOrExit } from "@qamesh/config";
import { createLogger } from "@qamesh/logger";
import { shutdownOnSignal, startOrExit } from "@qamesh/service-runtime";
import { standaloneConfigSchema } from "./config.js";
import { startFirstRunDemo } from "./first-run-demo.js";
import { rootPasswordFile, startStandalone } from "./start-standalone.js";

const config = parseConfigOrExit("standalone", standaloneConfigSchema, process.env);
const logger = createLogger({ service: "standalone", level: config.LOG_LEVEL });
const running = await startOrExit("standalone", () => startStandalone(process.env, logger));
logger.info({ gateway: running.gatewayUrl, grpcPorts: running.grpcPorts }, "qamesh standalone is up");
shutdownOnSignal(logger, () => running.stop());
if (config.QAMESH_DEMO) {
  const rootPassword = process.env.QAMESH_ROOT_PASSWORD ?? (await readFile(rootPasswordFile(resolve(config.DATA_DIR)), "utf8").catch(() => "")).trim();
  if (rootPassword) await startFirstRunDemo(running.gatewayUrl, process.cwd(), rootPassword, logger);
}
else process.stdout.write(`\nqamesh is running: ${running.gatewayUrl}  (API description: ${running.gatewayUrl}/openapi.json)\n`);
