import { create, type DescMessage } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { Client, credentials, Metadata, type CallOptions as GrpcCallOptions, type ServiceError } from "@grpc/grpc-js";
import { currentContextValues } from "./context-values.js";
import { fromGrpcError } from "./grpc-error.js";
import { deadlineKey, standardInterceptors, type CallInterceptor } from "./interceptors/index.js";
import { grpcMethodDefinition } from "./grpc-service-definition.js";
import type { CallOptions, ServiceClient } from "./service-types.js";

export interface GrpcClientOptions {
  /** Name used in errors a caller may show ("ingestion is unavailable: ..."). */
  peer: string;
  /** Deadline for unary calls without their own timeout. Streams have none by default. */
  defaultTimeoutMs?: number;
  /** What writes call data onto outgoing calls; the standard ones by default. */
  interceptors?: readonly CallInterceptor[];
}

/**
 * A typed client for a protobuf-es service: unary methods return promises, server streams
 * async iterables. gRPC failures come back as AppErrors with the same closed codes. A call made
 * while serving another (or an HTTP request, or an event) carries that call's request id,
 * credential and remaining deadline, through the interceptors.
 */
export function createGrpcClient<S extends GenService<GenServiceMethods>>(
  service: S,
  address: string,
  options: GrpcClientOptions,
): ServiceClient<S> {
  const client = new Client(grpcTarget(address), credentials.createInsecure(), {
    // Reconnect quickly after a peer restarts instead of waiting for the default backoff.
    "grpc.initial_reconnect_backoff_ms": 200,
    "grpc.max_reconnect_backoff_ms": 2000,
    // Spread calls over every address the name resolves to: on Kubernetes peers are headless
    // Services, so each replica is an address, and long-lived HTTP/2 connections would
    // otherwise pin a client to one pod.
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  });
  const methods: Record<string, unknown> = { close: () => client.close() };
  const interceptors = options.interceptors ?? standardInterceptors;
  for (const method of service.methods) {
    const definition = grpcMethodDefinition(service, method);
    const metadataFor = async () => {
      const metadata = new Metadata();
      const outbound = { method: definition.path, metadata, values: currentContextValues() };
      for (const interceptor of interceptors) await interceptor.outbound?.(outbound);
      return metadata;
    };
    if (method.methodKind === "unary") {
      methods[method.localName] = async (request: unknown, callOptions: CallOptions = {}) => {
        const metadata = await metadataFor();
        return new Promise((resolve, reject) => {
          const call = client.makeUnaryRequest(
            definition.path,
            definition.requestSerialize,
            definition.responseDeserialize,
            toMessage(method.input, request),
            metadata,
            grpcOptions(callOptions, options.defaultTimeoutMs ?? 120_000),
            (error: ServiceError | null, response?: unknown) =>
              error ? reject(fromGrpcError(error, options.peer)) : resolve(response),
          );
          cancelOnAbort(call, callOptions.signal);
        });
      };
    } else if (method.methodKind === "server_streaming") {
      methods[method.localName] = (request: unknown, callOptions: CallOptions = {}) =>
        streamResponses(async () => {
          const call = client.makeServerStreamRequest(
            definition.path,
            definition.requestSerialize,
            definition.responseDeserialize,
            toMessage(method.input, request),
            await metadataFor(),
            grpcOptions(callOptions, undefined),
          );
          cancelOnAbort(call, callOptions.signal);
          return call;
        }, options.peer);
    }
  }
  return methods as ServiceClient<S>;
}

/** A list of replica addresses (ip:port,ip:port) becomes one target whose addresses are called in turn. */
function grpcTarget(address: string): string {
  const addresses = address.split(",").map((part) => part.trim());
  return addresses.length === 1 ? addresses[0]! : `ipv4:${addresses.join(",")}`;
}

/** A signal that fired while the call was being prepared (its credential signed) cancels it at once. */
function cancelOnAbort(call: { cancel(): void }, signal: AbortSignal | undefined): void {
  if (signal?.aborted) call.cancel();
  else signal?.addEventListener("abort", () => call.cancel(), { once: true });
}

async function* streamResponses(
  start: () => Promise<AsyncIterable<unknown> & { cancel(): void }>,
  peer: string,
): AsyncIterable<unknown> {
  const call = await start();
  try {
    for await (const message of call) yield message;
  } catch (error) {
    throw fromGrpcError(error as ServiceError, peer);
  } finally {
    // Leaving the loop early (a consumer broke out) must not leave the server streaming.
    call.cancel();
  }
}

function toMessage(schema: DescMessage, init: unknown): unknown {
  return create(schema, init as never);
}

/** The call's own timeout, else the deadline of the call being served, else the client's default. */
function grpcOptions(options: CallOptions, fallbackTimeoutMs: number | undefined): GrpcCallOptions {
  if (options.timeoutMs !== undefined) return { deadline: Date.now() + options.timeoutMs };
  const inherited = currentContextValues().get(deadlineKey);
  if (inherited !== undefined) return { deadline: inherited };
  return fallbackTimeoutMs === undefined ? {} : { deadline: Date.now() + fallbackTimeoutMs };
}
