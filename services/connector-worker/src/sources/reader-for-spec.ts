import { failedPrecondition } from "@qamesh/errors";
import type { SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import type { SecretBox } from "@qamesh/secrets";
import { sourceCredentialsOwner, splitGitUrlCredentials, type AllowedRoots, type GitCredentials, type OutboundPolicy } from "@qamesh/source-safety";
import { GitRepositoryReader } from "./git-repository-reader.js";
import { LocalFolderReader } from "./local-folder-reader.js";
import type { SourceReader } from "./source-reader.js";

export interface ReaderSettings {
  repositoryCacheDirectory: string;
  maxFileBytes: number;
  /** Where local folders and file:// repositories may be read from, checked at every run. */
  allowedRoots: AllowedRoots;
  /** Opens the credentials ingestion sealed for a source. */
  secrets: SecretBox;
  /** Which addresses git may fetch from. */
  outboundPolicy: OutboundPolicy;
}

export function readerForSpec(spec: SourceSpec | undefined, settings: ReaderSettings, source: { projectId: string; sourceId: string }): SourceReader {
  switch (spec?.kind.case) {
    case "local":
      return new LocalFolderReader(spec.kind.value.path, settings.maxFileBytes, settings.allowedRoots);
    case "git": {
      // Sources stored before credentials were kept apart may still carry them in the URL.
      const { url, credentials: fromUrl } = splitGitUrlCredentials(spec.kind.value.url);
      const sealed = spec.kind.value.sealedCredentials;
      const credentials = sealed ? (JSON.parse(settings.secrets.open(sealed, sourceCredentialsOwner(source.projectId, source.sourceId))) as GitCredentials) : fromUrl;
      return new GitRepositoryReader(url, spec.kind.value.branch, credentials, settings.repositoryCacheDirectory, settings.allowedRoots, settings.outboundPolicy, source);
    }
    default:
      throw failedPrecondition("the source has no type this worker can read");
  }
}
