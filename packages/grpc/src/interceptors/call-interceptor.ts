import type { Metadata } from "@grpc/grpc-js";
import type { ContextValues } from "../context-values.js";

/** A call arriving at a server, before its handler runs. */
export interface InboundCall {
  /** `/package.Service/Method` */
  readonly method: string;
  readonly metadata: Metadata;
  /** When the caller gives up (epoch ms), if it said. */
  readonly deadline: number | undefined;
  /** Filled by the interceptors; the handler's context reads them. */
  readonly values: ContextValues;
}

/** A call leaving a client. */
export interface OutboundCall {
  readonly method: string;
  /** What goes on the wire; interceptors add to it. */
  readonly metadata: Metadata;
  /** The values of the call being served while this one is made (empty outside any call). */
  readonly values: ContextValues;
}

/**
 * One piece of call data, handled at the edges only: `inbound` reads it from an incoming call
 * into the context values (and may refuse the call by throwing), `outbound` writes it from the
 * current context values onto an outgoing call. (connect-es interceptors and context values.)
 */
export interface CallInterceptor {
  readonly name: string;
  inbound?(call: InboundCall): void | Promise<void>;
  /** May be asynchronous: a credential may need signing first. */
  outbound?(call: OutboundCall): void | Promise<void>;
}
