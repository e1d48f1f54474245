import { sourceTypeNamed, type ReaderEnvironment, type SourceIdentity, type SourceReader } from "@qamesh/connectors";
import { failedPrecondition } from "@qamesh/errors";
import type { SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import type { SecretBox } from "@qamesh/secrets";
import { sourceCredentialsOwner } from "@qamesh/source-safety";

export interface ReaderSettings extends ReaderEnvironment {
  /** Opens the secrets ingestion sealed for a source. */
  secrets: SecretBox;
}

/** The reader of the source an event names, with its secrets opened for it alone. */
export async function readerForSpec(
  spec: SourceSpec | undefined,
  settings: ReaderSettings,
  source: SourceIdentity,
  reportWaiting: (seconds: number, reason: string) => void,
): Promise<SourceReader> {
  if (!spec?.type) throw failedPrecondition("the source has no type this worker can read");
  const sourceType = sourceTypeNamed(spec.type);
  const config = JSON.parse(spec.configJson || "{}") as Record<string, unknown>;
  const secrets = spec.sealedSecrets ? (JSON.parse(settings.secrets.open(spec.sealedSecrets, sourceCredentialsOwner(source.projectId, source.sourceId))) as Record<string, unknown>) : {};
  return sourceType.openReader(config, secrets, { ...settings, reportWaiting }, source);
}
