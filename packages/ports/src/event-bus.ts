/**
 * The event bus: topics of keyed events, consumer groups, at-least-once delivery. Events of
 * one key are delivered in order to one consumer of a group; a handler that keeps failing
 * sends its event to the topic's dead-letter topic and the consumer moves on.
 */
export interface BusEvent {
  /** Unique per event; consumers deduplicate on it. */
  id: string;
  topic: string;
  /** Ordering key: events with the same key are consumed in publish order. */
  key: string;
  payload: Uint8Array;
  headers: Record<string, string>;
}

export type PublishInput = Omit<BusEvent, "id" | "headers"> & {
  id?: string;
  headers?: Record<string, string>;
};

export type EventHandler = (event: BusEvent) => Promise<void>;

export interface SubscribeOptions {
  group: string;
  topic: string;
  handler: EventHandler;
  /** Attempts before the event goes to the dead-letter topic. */
  maxAttempts?: number;
}

export interface Subscription {
  /** Stops fetching; waits for the event in hand to finish and commit. */
  stop(): Promise<void>;
}

export interface EventBus {
  publish(events: readonly PublishInput[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Throws when the bus cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where events go after their last failed attempt. */
export const deadLetterTopic = (topic: string) => `${topic}.dead-letter`;

/** Headers the bus sets on dead-lettered events. */
export const deadLetterHeaders = {
  error: "x-dead-letter-error",
  attempts: "x-dead-letter-attempts",
} as const;

/** Header carrying the request id across the bus. */
export const requestIdHeader = "x-request-id";
