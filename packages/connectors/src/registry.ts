import { invalidArgument } from "@qamesh/errors";
import { gitSource } from "./git/git-source.js";
import { githubSource } from "./github/github-source.js";
import { gitlabSource } from "./gitlab/gitlab-source.js";
import { jiraSource } from "./jira/jira-source.js";
import { confluenceSource } from "./confluence/confluence-source.js";
import { localSource } from "./local/local-source.js";
import type { SourceType } from "./source-type.js";

/** Every kind of source qamesh reads. The API, the ingestion service and the workers all take them from here. */
export const sourceTypes: readonly SourceType[] = [localSource, gitSource, githubSource, gitlabSource, jiraSource, confluenceSource];

const byName = new Map(sourceTypes.map((sourceType) => [sourceType.type, sourceType]));

export const sourceTypeNames = sourceTypes.map((sourceType) => sourceType.type);

/** The kind of source named `type`, or a 400 listing the kinds there are. */
export function sourceTypeNamed(type: string): SourceType {
  const found = byName.get(type);
  if (!found) throw invalidArgument("type", `type must be one of ${sourceTypeNames.join(", ")}`);
  return found;
}
