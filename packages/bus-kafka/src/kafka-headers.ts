import type { IHeaders } from "kafkajs";

/** Headers the Kafka adapter keeps for itself; handlers never see them. */
export const kafkaHeaders = {
  eventId: "x-event-id",
  /** The attempt this delivery is (1 on the original topic). */
  attempt: "x-attempt",
  /** Retry deliveries wait until this time (ms since epoch) before running the handler. */
  notBefore: "x-not-before",
  /** The topic a retry delivery was first published to. */
  originalTopic: "x-original-topic",
} as const;

const internal = new Set<string>(Object.values(kafkaHeaders));

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

export function withoutInternalHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !internal.has(name)));
}
