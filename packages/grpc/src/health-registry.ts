import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import { notFound } from "@qamesh/errors";
import { EventEmitter, on } from "node:events";
import type { GrpcServer } from "./grpc-server.js";

/** Throws when something the server needs (its store, the bus, the index) is unreachable. */
export type DependencyCheck = () => Promise<void>;

const dependencyCheckTimeoutMs = 1500;

/**
 * The health "service" a liveness probe asks about: SERVING while the process serves, whatever
 * its dependencies do, so an outage of Kafka or the store makes pods unready, never restarts them.
 */
export const livenessService = "liveness";

/**
 * grpc.health.v1 for one server. The empty service name stands for the whole server, which
 * is what Kubernetes' grpc probes and the gateway's /ready ask about: it is SERVING only
 * while every dependency check passes.
 */
export class HealthRegistry {
  private readonly statuses = new Map<string, ServingStatus>([
    ["", ServingStatus.SERVING],
    [livenessService, ServingStatus.SERVING],
  ]);
  private readonly changes = new EventEmitter();
  private readonly dependencyChecks: DependencyCheck[] = [];

  addDependencyCheck(check: DependencyCheck): void {
    this.dependencyChecks.push(check);
  }

  private async dependenciesReachable(): Promise<boolean> {
    if (this.dependencyChecks.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("dependency check timed out")), dependencyCheckTimeoutMs);
    });
    try {
      const results = await Promise.allSettled(this.dependencyChecks.map((check) => Promise.race([check(), timeout])));
      return results.every((result) => result.status === "fulfilled");
    } finally {
      clearTimeout(timer);
    }
  }

  setServing(service: string, serving: boolean): void {
    this.statuses.set(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    this.changes.emit("change", service);
  }

  setAllServing(serving: boolean): void {
    for (const service of this.statuses.keys()) this.setServing(service, serving);
  }

  serve(server: GrpcServer): void {
    const statuses = this.statuses;
    const changes = this.changes;
    const dependenciesReachable = () => this.dependenciesReachable();
    server.add(Health, {
      async check(request) {
        const status = statuses.get(request.service);
        if (status === undefined) throw notFound(`unknown service ${request.service}`);
        const readiness = request.service !== livenessService;
        if (readiness && status === ServingStatus.SERVING && !(await dependenciesReachable())) return { status: ServingStatus.NOT_SERVING };
        return { status };
      },
      async *watch(request, context) {
        yield { status: statuses.get(request.service) ?? ServingStatus.SERVICE_UNKNOWN };
        for await (const [service] of on(changes, "change", { signal: context.signal })) {
          if (service === request.service) yield { status: statuses.get(request.service) ?? ServingStatus.SERVICE_UNKNOWN };
        }
      },
    });
  }
}
