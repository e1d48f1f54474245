import type { DocumentSection, SourceDocument } from "../source-reader.js";

/** Issues and pull requests share one numbering in a repository: "#12" names either. */
export const githubDocumentKey = (number: number) => `#${number}`;

export function githubDocumentNumber(key: string): number | undefined {
  const match = /^#([1-9][0-9]{0,9})$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** What qamesh reads of an issue or pull request, as GitHub's REST API returns it. */
export interface GitHubItem {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  updated_at: string;
  created_at?: string;
  state?: string;
  user?: { login?: string } | null;
  pull_request?: unknown;
}

export interface GitHubComment {
  body?: string | null;
  html_url: string;
  created_at: string;
  user?: { login?: string } | null;
  /** Review comments: the file and line they are on. */
  path?: string;
  line?: number | null;
}

const day = (iso: string) => iso.slice(0, 10);

/** An issue or pull request with its comments (and review comments) as one document, each part with its own link. */
export function githubDocument(item: GitHubItem, comments: GitHubComment[], reviewComments: GitHubComment[]): SourceDocument {
  const kind = item.pull_request ? "Pull request" : "Issue";
  const sections: DocumentSection[] = [
    { heading: `${kind} ${item.state ?? ""} opened by ${item.user?.login ?? "unknown"}`.replace(/\s+/g, " "), text: item.body ?? "", url: item.html_url },
    ...comments.map((comment) => ({ heading: `Comment by ${comment.user?.login ?? "unknown"} on ${day(comment.created_at)}`, text: comment.body ?? "", url: comment.html_url })),
    ...reviewComments.map((comment) => ({
      heading: `Review comment by ${comment.user?.login ?? "unknown"} on ${comment.path ?? "the diff"}${comment.line ? ` line ${comment.line}` : ""}, ${day(comment.created_at)}`,
      text: comment.body ?? "",
      url: comment.html_url,
    })),
  ];
  return {
    path: githubDocumentKey(item.number),
    kind: item.pull_request ? "pullRequests" : "issues",
    commentCount: comments.length + reviewComments.length,
    version: item.updated_at,
    title: `#${item.number} ${item.title}`,
    url: item.html_url,
    author: item.user?.login ?? "",
    updatedAt: item.updated_at,
    sections,
  };
}
