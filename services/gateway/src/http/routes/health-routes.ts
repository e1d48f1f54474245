import { Router } from "express";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import { toAppError } from "@qamesh/errors";
import type { Peers } from "../../peers.js";

const readinessTimeoutMs = 2000;

export function healthRoutes(peers: Peers): Router {
  const router = Router();

  /** Liveness: the gateway process answers. */
  router.get("/health", (_request, response) => {
    response.json({ status: "ok" });
  });

  /** Readiness: every service behind the gateway reports SERVING on grpc.health.v1. */
  router.get("/ready", async (request, response) => {
    const checks = await Promise.all(
      Object.entries(peers.health).map(async ([name, client]) => {
        try {
          const { status } = await client.check({ service: "" }, { timeoutMs: readinessTimeoutMs });
          return [name, status === ServingStatus.SERVING ? "serving" : "not serving"] as const;
        } catch (error) {
          return [name, `unreachable: ${toAppError(error).message}`] as const;
        }
      }),
    );
    const ready = checks.every(([, state]) => state === "serving");
    response.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", dependencies: Object.fromEntries(checks) });
  });

  return router;
}
