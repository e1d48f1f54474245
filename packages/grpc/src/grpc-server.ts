import { create, type DescMethod } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import {
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedHandleCall,
} from "@grpc/grpc-js";
import type { Logger } from "@qamesh/logger";
import { isAppError } from "@qamesh/errors";
import { once } from "node:events";
import type { CallContext } from "./call-context.js";
import { ContextValues, runWithContextValues } from "./context-values.js";
import { toGrpcStatus } from "./grpc-error.js";
import { grpcServiceDefinition } from "./grpc-service-definition.js";
import { HealthRegistry } from "./health-registry.js";
import { Health } from "@qamesh/proto/grpc/health/v1/health_pb.js";
import { requestIdKey, standardInterceptors, type CallInterceptor } from "./interceptors/index.js";
import type { ServiceImplementation } from "./service-types.js";

/** How long handlers of calls cut at the end of the grace period get to notice before shutdown stops waiting. */
const abandonHandlersAfterCutMs = 2000;

type AnyHandler = (request: unknown, context: CallContext) => Promise<unknown> | AsyncIterable<unknown>;

export interface GrpcServerOptions {
  logger: Logger;
  /**
   * Decides who may call, after the standard interceptors have read the call's data: it throws
   * to refuse a call (the status of its error goes back) and records the verified caller in the
   * call's values. Every server has one; there is no open default.
   */
  guard: CallInterceptor;
}

/**
 * A grpc-js server that takes protobuf-es services with plain async handlers. Every server
 * also serves grpc.health.v1 for each service it hosts.
 */
export class GrpcServer {
  private readonly server = new Server();
  readonly health = new HealthRegistry();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: GrpcServerOptions) {
    this.health.serve(this);
  }

  add<S extends GenService<GenServiceMethods>>(service: S, implementation: ServiceImplementation<S>): this {
    const handlers: Record<string, UntypedHandleCall> = {};
    const impl = implementation as unknown as Record<string, AnyHandler>;
    for (const method of service.methods) {
      const handler = impl[method.localName];
      if (!handler) throw new Error(`${service.typeName}: no handler for ${method.name}`);
      handlers[method.localName] = this.wrap(method, handler.bind(implementation));
    }
    this.server.addService(grpcServiceDefinition(service), handlers);
    this.health.setServing(service.typeName, true);
    return this;
  }

  /** Binds host:port (port 0 picks a free one) and returns the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
  }

  /**
   * Graceful stop: report NOT_SERVING, refuse new calls, let in-flight ones finish within
   * the grace period, then cut what is left. Cut calls are cancelled, which ends their
   * handlers; one that ignores its cancellation is given up on shortly after, so a stuck
   * handler can never keep the process from stopping.
   */
  async shutdown(graceMs = 10_000): Promise<void> {
    this.health.setAllServing(false);
    const drained = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    let giveUp: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, graceMs + abandonHandlersAfterCutMs);
    });
    const cut = setTimeout(() => this.server.forceShutdown(), graceMs);
    await Promise.race([Promise.allSettled([drained, ...this.inFlight]), gaveUp]);
    clearTimeout(cut);
    clearTimeout(giveUp);
    if (this.inFlight.size > 0) this.options.logger.warn({ calls: this.inFlight.size }, "stopped with handlers that ignored their cancellation");
  }

  private wrap(method: DescMethod, handler: AnyHandler): UntypedHandleCall {
    if (method.methodKind === "unary") {
      return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const work = (async () => {
          const context = await this.contextFor(call, method).catch((error: unknown) => {
            callback(toGrpcStatus(error));
            return undefined;
          });
          if (!context) return;
          try {
            const result = await runWithContextValues(context.values, () => handler(call.request, context) as Promise<unknown>);
            callback(null, create(method.output, result as never));
          } catch (error) {
            this.logFailure(context, error);
            callback(toGrpcStatus(error));
          }
        })();
        this.track(work);
      };
    }
    if (method.methodKind === "server_streaming") {
      return (call: ServerWritableStream<unknown, unknown>) => {
        const work = (async () => {
          const context = await this.contextFor(call, method).catch((error: unknown) => {
            call.emit("error", toGrpcStatus(error));
            return undefined;
          });
          if (!context) return;
          try {
            // The generator's body runs as each item is asked for, so it is iterated inside the
            // call's context values.
            await runWithContextValues(context.values, () => this.stream(call, method, context, handler(call.request, context) as AsyncIterable<unknown>));
          } catch (error) {
            this.logFailure(context, error);
            if (!call.cancelled) call.emit("error", toGrpcStatus(error));
          }
        })();
        this.track(work);
      };
    }
    throw new Error(`${method.name}: ${method.methodKind} methods are not supported by the bridge`);
  }

  private async stream(call: ServerWritableStream<unknown, unknown>, method: DescMethod, context: CallContext, items: AsyncIterable<unknown>): Promise<void> {
    for await (const item of items) {
      if (call.cancelled) return;
      // A cancelled call never drains: waiting on "drain" alone would hold the handler (and
      // shutdown, which waits for it) forever once a caller went away mid-stream.
      if (!call.write(create(method.output, item as never))) await once(call, "drain", { signal: context.signal });
    }
    call.end();
  }

  /**
   * Runs the interceptors over the incoming call; one that throws refuses it. Health is open to
   * everyone: probes (Kubernetes' own among them) carry no credential, and it reveals nothing.
   */
  private async contextFor(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, method: DescMethod): Promise<CallContext> {
    const controller = new AbortController();
    call.on("cancelled", () => controller.abort());
    if (call.cancelled) controller.abort();
    const values = new ContextValues();
    const deadline = Number(call.getDeadline());
    const inbound = { method: `/${method.parent.typeName}/${method.name}`, metadata: call.metadata, deadline: Number.isFinite(deadline) ? deadline : undefined, values };
    const open = method.parent.typeName === Health.typeName;
    for (const interceptor of open ? standardInterceptors : [...standardInterceptors, this.options.guard]) await interceptor.inbound?.(inbound);
    const requestId = values.get(requestIdKey);
    return {
      values,
      requestId,
      logger: this.options.logger.child({ requestId, rpc: `${method.parent.typeName}/${method.name}` }),
      signal: controller.signal,
    };
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * A caller that went away is ordinary (a browser tab closed mid-answer): one debug line.
   * Failures the caller caused are info; only the unexpected is an error with its stack.
   */
  private logFailure(context: CallContext, error: unknown): void {
    const { logger } = context;
    if (context.signal.aborted || (isAppError(error) && error.code === "cancelled")) logger.debug("call cancelled by the caller");
    else if (isAppError(error) && error.code !== "internal") logger.info({ code: error.code, msg: error.message }, "call failed");
    else logger.error({ err: error }, "call failed with an unexpected error");
  }
}
