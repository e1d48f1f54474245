import { adfText } from "../atlassian/adf-text.js";
import type { DocumentSection, SourceDocument } from "../source-reader.js";

/** What qamesh reads of a Jira issue (API v3: ADF; Data Center's v2: plain text). */
export interface JiraIssue {
  key: string;
  fields: {
    summary?: string;
    description?: unknown;
    updated?: string;
    created?: string;
    reporter?: { displayName?: string } | null;
    issuetype?: { name?: string } | null;
    status?: { name?: string } | null;
    [field: string]: unknown;
  };
}

export interface JiraComment {
  id: string;
  body?: unknown;
  created?: string;
  author?: { displayName?: string } | null;
}

/** The link Jira gives a comment: the issue, focused on it. */
export const jiraCommentUrl = (baseUrl: string, key: string, commentId: string) => `${baseUrl}/browse/${key}?focusedCommentId=${commentId}#comment-${commentId}`;

/** A field's value as text: ADF, a string, an option ({value} or {name}), or a list of them. */
function fieldText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(fieldText).filter(Boolean).join(", ");
  const object = value as Record<string, unknown>;
  if (object.type === "doc") return adfText(object);
  return String(object.value ?? object.name ?? object.displayName ?? "");
}

/** A Jira issue with its description, the chosen fields and its comments, each part with its own link. */
export function jiraDocument(baseUrl: string, issue: JiraIssue, comments: JiraComment[], extraFields: readonly string[]): SourceDocument {
  const { fields } = issue;
  const url = `${baseUrl}/browse/${issue.key}`;
  const reporter = fields.reporter?.displayName ?? "unknown";
  const what = [fields.issuetype?.name ?? "Issue", fields.status?.name ? `(${fields.status.name})` : "", `reported by ${reporter}`].filter(Boolean).join(" ");
  const chosen = extraFields.map((name) => [name, fieldText(fields[name])] as const).filter(([, text]) => text);
  const sections: DocumentSection[] = [
    { heading: what, text: [adfText(fields.description), ...chosen.map(([name, text]) => `${name}: ${text}`)].filter(Boolean).join("\n\n"), url },
    ...comments.map((comment) => ({
      heading: `Comment by ${comment.author?.displayName ?? "unknown"} on ${(comment.created ?? "").slice(0, 10)}`,
      text: adfText(comment.body),
      url: jiraCommentUrl(baseUrl, issue.key, comment.id),
    })),
  ];
  return {
    path: issue.key,
    kind: "issues",
    commentCount: comments.length,
    version: fields.updated ?? "",
    title: `${issue.key} ${fields.summary ?? ""}`.trim(),
    url,
    author: reporter,
    updatedAt: fields.updated ?? "",
    sections,
  };
}
