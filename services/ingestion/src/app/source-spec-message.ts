import { create } from "@bufbuild/protobuf";
import { invalidArgument, parseJsonField } from "@qamesh/errors";
import { SourceSpecSchema, type SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import type { SourceSpecRecord } from "./records.js";

/**
 * Stored spec → protobuf message. Events for the workers carry the source's sealed secrets;
 * responses to callers never do (they pass none).
 */
export function sourceSpecMessage({ type, ...config }: SourceSpecRecord, sealedSecrets = ""): SourceSpec {
  return create(SourceSpecSchema, { type, configJson: JSON.stringify(config), sealedSecrets });
}

/** A caller's protobuf spec → its type and settings, still to be checked by the type's schema. */
export function givenSourceSpec(spec: SourceSpec | undefined): { type: string; config: unknown } {
  if (!spec?.type) throw invalidArgument("type", "a source needs a type");
  return { type: spec.type, config: parseJsonField("config", spec.configJson || "{}") };
}
