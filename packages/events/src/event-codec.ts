import { create, fromBinary, toBinary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { requestIdHeader } from "@qamesh/ports";
import type { Topic } from "./topics.js";

/** A publishable event for a topic: the payload is the topic's protobuf message, binary-encoded. */
export function encodeEvent<T extends Topic>(
  topic: T,
  init: MessageInitShape<T["schema"]>,
  options: { id: string; key: string; requestId?: string },
) {
  return {
    id: options.id,
    topic: topic.name,
    key: options.key,
    payload: toBinary(topic.schema, create(topic.schema, init)),
    headers: options.requestId ? { [requestIdHeader]: options.requestId } : {},
  };
}

export function decodeEvent<T extends Topic>(topic: T, payload: Uint8Array): MessageShape<T["schema"]> {
  return fromBinary(topic.schema, payload) as MessageShape<T["schema"]>;
}
