import { AsyncLocalStorage } from "node:async_hooks";

/** A typed key of a call's context values, with the value a call has when nobody set it. */
export interface ContextKey<T> {
  readonly id: symbol;
  readonly defaultValue: T;
}

export function createContextKey<T>(defaultValue: T, description: string): ContextKey<T> {
  return { id: Symbol(description), defaultValue };
}

/**
 * What is known about the call being served (who asks, which request, until when), as typed
 * values. Interceptors fill them from the incoming call; outgoing calls made while serving it
 * carry them on, so no handler copies them by hand.
 */
export class ContextValues {
  private readonly values = new Map<symbol, unknown>();

  get<T>(key: ContextKey<T>): T {
    return this.values.has(key.id) ? (this.values.get(key.id) as T) : key.defaultValue;
  }

  set<T>(key: ContextKey<T>, value: T): this {
    this.values.set(key.id, value);
    return this;
  }

  /** Values to change for part of the work without changing them for the rest. */
  copy(): ContextValues {
    const copy = new ContextValues();
    for (const [id, value] of this.values) copy.values.set(id, value);
    return copy;
  }
}

const currentValues = new AsyncLocalStorage<ContextValues>();

/**
 * Runs `work` as part of a call (a gRPC call being served, an HTTP request, an event being
 * handled): everything it awaits, gRPC calls included, sees these values.
 */
export function runWithContextValues<T>(values: ContextValues, work: () => T): T {
  return currentValues.run(values, work);
}

/** The values of the call the code runs for; empty outside any call. */
export function currentContextValues(): ContextValues {
  return currentValues.getStore() ?? new ContextValues();
}
