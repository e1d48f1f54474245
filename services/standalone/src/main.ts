import { parseConfigOrExit } from "@qamesh/config";
import { createLogger } from "@qamesh/logger";
import { shutdownOnSignal, startOrExit } from "@qamesh/service-runtime";
import { standaloneConfigSchema } from "./config.js";
import { startFirstRunDemo } from "./first-run-demo.js";
import { startStandalone } from "./start-standalone.js";

const config = parseConfigOrExit("standalone", standaloneConfigSchema, process.env);
const logger = createLogger({ service: "standalone", level: config.LOG_LEVEL });
const running = await startOrExit("standalone", () => startStandalone(process.env, logger));
logger.info({ gateway: running.gatewayUrl, grpcPorts: running.grpcPorts }, "qamesh standalone is up");
shutdownOnSignal(logger, () => running.stop());
if (config.QAMESH_DEMO) await startFirstRunDemo(running.gatewayUrl, process.cwd(), logger);
else process.stdout.write(`\nqamesh is running: ${running.gatewayUrl}  (API description: ${running.gatewayUrl}/openapi.json)\n`);
