import { failedPrecondition } from "@qamesh/errors";
import type { AllowedRoots } from "@qamesh/source-safety";
import type { SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import { GitRepositoryReader } from "./git-repository-reader.js";
import { LocalFolderReader } from "./local-folder-reader.js";
import type { SourceReader } from "./source-reader.js";

export interface ReaderSettings {
  repositoryCacheDirectory: string;
  maxFileBytes: number;
  /** Where local folders and file:// repositories may be read from, checked at every run. */
  allowedRoots: AllowedRoots;
}

export function readerForSpec(spec: SourceSpec | undefined, settings: ReaderSettings): SourceReader {
  switch (spec?.kind.case) {
    case "local":
      return new LocalFolderReader(spec.kind.value.path, settings.maxFileBytes, settings.allowedRoots);
    case "git":
      return new GitRepositoryReader(spec.kind.value.url, spec.kind.value.branch, settings.repositoryCacheDirectory, settings.allowedRoots);
    default:
      throw failedPrecondition("the source has no type this worker can read");
  }
}
