import type { DocumentSection, SourceDocument } from "../source-reader.js";

/** GitLab's own notation: issues are #<iid>, merge requests !<iid>, within a project. */
export type GitLabKind = "issues" | "merge_requests";

export const gitlabDocumentKey = (kind: GitLabKind, iid: number) => `${kind === "issues" ? "#" : "!"}${iid}`;

export function parseGitLabDocumentKey(key: string): { kind: GitLabKind; iid: number } | undefined {
  const match = /^([#!])([1-9][0-9]{0,9})$/.exec(key);
  if (!match) return undefined;
  return { kind: match[1] === "#" ? "issues" : "merge_requests", iid: Number(match[2]) };
}

/** What qamesh reads of an issue or merge request, as GitLab's REST API returns it. */
export interface GitLabItem {
  iid: number;
  title: string;
  description?: string | null;
  web_url: string;
  updated_at: string;
  state?: string;
  author?: { username?: string } | null;
}

export interface GitLabNote {
  id: number;
  body?: string | null;
  created_at: string;
  system?: boolean;
  author?: { username?: string } | null;
}

/** An issue or merge request with its notes (comments; GitLab's own system notes left out), each part with its link. */
export function gitlabDocument(kind: GitLabKind, item: GitLabItem, notes: GitLabNote[]): SourceDocument {
  const comments = notes.filter((note) => !note.system);
  const sections: DocumentSection[] = [
    { heading: `${kind === "issues" ? "Issue" : "Merge request"} ${item.state ?? ""} opened by ${item.author?.username ?? "unknown"}`.replace(/\s+/g, " "), text: item.description ?? "", url: item.web_url },
    ...comments.map((note) => ({ heading: `Comment by ${note.author?.username ?? "unknown"} on ${note.created_at.slice(0, 10)}`, text: note.body ?? "", url: `${item.web_url}#note_${note.id}` })),
  ];
  const key = gitlabDocumentKey(kind, item.iid);
  return {
    path: key,
    kind: kind === "issues" ? "issues" : "mergeRequests",
    commentCount: comments.length,
    version: item.updated_at,
    title: `${key} ${item.title}`,
    url: item.web_url,
    author: item.author?.username ?? "",
    updatedAt: item.updated_at,
    sections,
  };
}
