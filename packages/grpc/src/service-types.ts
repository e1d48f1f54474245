import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import type { CallContext } from "./call-context.js";

type MethodOf<S> = S extends GenService<infer M> ? M : never;

type Input<M> = M extends { input: infer I extends DescMessage } ? MessageShape<I> : never;
type OutputInit<M> = M extends { output: infer O extends DescMessage } ? MessageInitShape<O> : never;
type Output<M> = M extends { output: infer O extends DescMessage } ? MessageShape<O> : never;

/** A server handler: unary methods are async functions, server streams async generators. */
type HandlerFor<M> = M extends { methodKind: "unary" }
  ? (request: Input<M>, context: CallContext) => Promise<OutputInit<M>>
  : M extends { methodKind: "server_streaming" }
    ? (request: Input<M>, context: CallContext) => AsyncIterable<OutputInit<M>>
    : never;

export type ServiceImplementation<S extends GenService<GenServiceMethods>> = {
  [K in keyof MethodOf<S>]: HandlerFor<MethodOf<S>[K]>;
};

/**
 * Per-call options a client may pass. Request id, credential and the inherited deadline are not
 * among them: they come from the call being served (see context-values.ts).
 */
export interface CallOptions {
  /** Milliseconds from now; the server sees the deadline and gives up when it passes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type ClientMethodFor<M> = M extends { methodKind: "unary" }
  ? (request: MessageInitShapeOf<M>, options?: CallOptions) => Promise<Output<M>>
  : M extends { methodKind: "server_streaming" }
    ? (request: MessageInitShapeOf<M>, options?: CallOptions) => AsyncIterable<Output<M>>
    : never;

type MessageInitShapeOf<M> = M extends { input: infer I extends DescMessage } ? MessageInitShape<I> : never;

export type ServiceClient<S extends GenService<GenServiceMethods>> = {
  [K in keyof MethodOf<S>]: ClientMethodFor<MethodOf<S>[K]>;
} & { close(): void };
