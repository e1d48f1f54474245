import { create } from "@bufbuild/protobuf";
import { SourceSpecSchema, type SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import type { SourceSpecRecord } from "./records.js";

/**
 * Stored spec → protobuf message. Events for the workers carry the source's sealed credentials;
 * responses to callers never do (they pass none).
 */
export function sourceSpecMessage(spec: SourceSpecRecord, sealedCredentials = ""): SourceSpec {
  return create(
    SourceSpecSchema,
    spec.type === "local"
      ? { kind: { case: "local", value: { path: spec.path } } }
      : { kind: { case: "git", value: { url: spec.url, branch: spec.branch, sealedCredentials } } },
  );
}

/** Protobuf message → stored spec; undefined when no kind was given. */
export function sourceSpecRecord(spec: SourceSpec | undefined): SourceSpecRecord | undefined {
  switch (spec?.kind.case) {
    case "local":
      return { type: "local", path: spec.kind.value.path };
    case "git":
      return { type: "git", url: spec.kind.value.url, branch: spec.kind.value.branch };
    default:
      return undefined;
  }
}
