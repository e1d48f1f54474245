import { storageSections } from "../atlassian/storage-format-text.js";
import type { DocumentSection, SourceDocument } from "../source-reader.js";

/** Pages and blog posts are keyed by their content id, which survives renames and moves: "page:123", "blogpost:456". */
export type ConfluenceType = "page" | "blogpost";

export const confluenceDocumentKey = (type: ConfluenceType, id: string) => `${type}:${id}`;

export function parseConfluenceDocumentKey(key: string): { type: ConfluenceType; id: string } | undefined {
  const match = /^(page|blogpost):([0-9]{1,20})$/.exec(key);
  return match ? { type: match[1] as ConfluenceType, id: match[2]! } : undefined;
}

/** What qamesh reads of a page or blog post (REST API v1, body.storage and version expanded). */
export interface ConfluenceContent {
  id: string;
  type: string;
  title: string;
  body?: { storage?: { value?: string } };
  version?: { number?: number; when?: string; by?: { displayName?: string } };
  history?: { createdBy?: { displayName?: string } };
  _links?: { webui?: string };
}

/** A heading's anchor as Confluence Cloud writes it: its words joined by "-". */
const anchorOf = (heading: string) => encodeURIComponent(heading.trim().replace(/\s+/g, "-"));

/** A time as ISO, for comparing; "" when there is none. */
export function activityTime(when: string | undefined): string {
  const time = Date.parse(when ?? "");
  return Number.isNaN(time) ? "" : new Date(time).toISOString();
}

/** A text attachment, read: its file name, its link and its text. */
export interface ConfluenceAttachment {
  title: string;
  url: string;
  text: string;
  when: string;
}

/** A page or blog post cut at its headings, then its comments and text attachments, each part with its own link. */
export function confluenceDocument(baseUrl: string, content: ConfluenceContent, comments: ConfluenceContent[], attachments: ConfluenceAttachment[] = []): SourceDocument {
  const url = `${baseUrl}${content._links?.webui ?? `/pages/viewpage.action?pageId=${content.id}`}`;
  const author = content.history?.createdBy?.displayName ?? content.version?.by?.displayName ?? "";
  const sections: DocumentSection[] = storageSections(content.body?.storage?.value ?? "").map((section) => ({
    heading: section.heading || (content.type === "blogpost" ? "Blog post" : "Page"),
    text: section.text,
    url: section.heading ? `${url}#${anchorOf(section.heading)}` : url,
  }));
  for (const comment of comments) {
    const text = storageSections(comment.body?.storage?.value ?? "")
      .map((section) => [section.heading, section.text].filter(Boolean).join("\n"))
      .join("\n\n");
    sections.push({ heading: `Comment by ${comment.version?.by?.displayName ?? "unknown"} on ${(comment.version?.when ?? "").slice(0, 10)}`, text, url: `${url}?focusedCommentId=${comment.id}#comment-${comment.id}` });
  }
  for (const attachment of attachments) sections.push({ heading: `Attachment ${attachment.title}`, text: attachment.text, url: attachment.url });
  const type = content.type === "blogpost" ? "blogpost" : "page";
  return {
    path: confluenceDocumentKey(type, content.id),
    kind: type === "blogpost" ? "blogPosts" : "pages",
    commentCount: comments.length,
    // Its latest activity, as listings see it: its edit, its newest comment or attachment.
    version: [...[content, ...comments].map((item) => item.version?.when), ...attachments.map((attachment) => attachment.when)]
      .map(activityTime)
      .reduce((latest, when) => (when > latest ? when : latest), ""),
    title: content.title,
    url,
    author,
    updatedAt: content.version?.when ?? "",
    sections,
  };
}
