import { failedPrecondition } from "@qamesh/errors";
import { outboundAgents } from "@qamesh/source-safety";
import { Version2Client, Version3Client } from "jira.js";
import { atlassianCall, isGone } from "../atlassian/atlassian-calls.js";
import { atlassianAuthentication, type AtlassianSecrets } from "../atlassian/atlassian-credentials.js";
import { laterOf } from "../listing-cursor.js";
import type { ListingPage, SourceDocument, SourceReader, SourceSnapshot } from "../source-reader.js";
import type { ReaderEnvironment } from "../source-type.js";
import { jiraDocument, type JiraComment, type JiraIssue } from "./jira-documents.js";
import type { JiraConfig } from "./jira-source.js";

const documentFields = ["summary", "description", "updated", "created", "reporter", "issuetype", "status"];

/**
 * Jira issues through jira.js: Jira Cloud's REST API v3 (its `/search/jql`, paged by
 * nextPageToken; the old `/search` answers 410 there), or Data Center's API v2 with a personal
 * token. Changed issues are found with `updated >= <epoch ms>` (minute precision, hence the
 * overlap; epoch milliseconds so the API account's time zone cannot shift the window). Every
 * request goes only to addresses the outbound policy allows, and redirects are not followed.
 */
export class JiraReader implements SourceReader {
  private constructor(
    private readonly config: JiraConfig,
    private readonly cloud: Version3Client | undefined,
    private readonly dataCenter: Version2Client | undefined,
    private readonly environment: ReaderEnvironment,
  ) {}

  static open(config: JiraConfig, secrets: AtlassianSecrets, environment: ReaderEnvironment): JiraReader {
    const agents = outboundAgents(environment.outboundPolicy);
    const baseRequestConfig = { ...agents, maxRedirects: 0, timeout: 60_000 };
    if (secrets.personalToken) {
      return new JiraReader(config, undefined, new Version2Client({ host: config.baseUrl, ...atlassianAuthentication(secrets), baseRequestConfig }), environment);
    }
    return new JiraReader(config, new Version3Client({ host: config.baseUrl, ...atlassianAuthentication(secrets), baseRequestConfig }), undefined, environment);
  }

  /** A Jira source has no files. */
  discover(): Promise<SourceSnapshot> {
    return Promise.resolve({ commit: "", files: [] });
  }

  read(): Promise<Buffer> {
    throw failedPrecondition("a Jira source has no files");
  }

  /**
   * The issues the restriction names, updated at or after a time, oldest update first; a listing
   * resumes from the newest update its last page held (`>=` includes it).
   */
  async *listDocuments(updatedAfter: string | undefined, resumeFrom?: string): AsyncIterable<ListingPage> {
    const since = laterOf(updatedAfter, resumeFrom);
    const restriction = since ? ` AND updated >= ${Date.parse(since)}` : "";
    const jql = `(${this.config.jql})${restriction} ORDER BY updated ASC`;
    let newest = resumeFrom ?? "";
    const pageOf = (issues: JiraIssue[] | undefined): ListingPage => {
      const documents = (issues ?? []).map((issue) => {
        // Jira writes "2026-11-24T12:00:00.000+0000"; listings compare ISO times.
        const time = Date.parse(String(issue.fields.updated ?? "").replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
        const updatedAt = Number.isNaN(time) ? "" : new Date(time).toISOString();
        if (updatedAt > newest) newest = updatedAt;
        return { path: issue.key, version: issue.fields.updated ?? "", updatedAt };
      });
      return { documents, resumeFrom: newest };
    };
    if (this.cloud) {
      const cloud = this.cloud;
      let nextPageToken: string | undefined;
      do {
        const page = await this.call(() => cloud.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql, fields: ["updated"], maxResults: 100, ...(nextPageToken ? { nextPageToken } : {}) }));
        yield pageOf(page.issues as JiraIssue[] | undefined);
        nextPageToken = page.nextPageToken ?? undefined;
      } while (nextPageToken);
    } else {
      const dataCenter = this.dataCenter!;
      for (let startAt = 0; ; ) {
        const page = await this.call(() => dataCenter.issueSearch.searchForIssuesUsingJql({ jql, fields: ["updated"], maxResults: 100, startAt }));
        const issues = (page.issues ?? []) as JiraIssue[];
        yield pageOf(issues);
        startAt += issues.length;
        if (issues.length === 0 || startAt >= (page.total ?? 0)) break;
      }
    }
  }

  /** An issue with its comments; undefined once it is deleted, moved to another key, or out of sight. */
  async readDocument(key: string): Promise<SourceDocument | undefined> {
    const fields = [...documentFields, ...this.config.fields];
    try {
      const issue = await this.call<JiraIssue>(async () =>
        (this.cloud ? await this.cloud.issues.getIssue({ issueIdOrKey: key, fields }) : await this.dataCenter!.issues.getIssue({ issueIdOrKey: key, fields })) as unknown as JiraIssue,
      );
      // Jira answers an old key with the issue under its new one: the old key's document is gone.
      if (issue.key !== key) return undefined;
      const comments: JiraComment[] = [];
      for (let startAt = 0; ; ) {
        const page = await this.call<{ comments?: unknown[]; total?: number }>(async () =>
          this.cloud ? await this.cloud.issueComments.getComments({ issueIdOrKey: key, startAt, maxResults: 100 }) : await this.dataCenter!.issueComments.getComments({ issueIdOrKey: key, startAt, maxResults: 100 }),
        );
        const batch = (page.comments ?? []) as JiraComment[];
        comments.push(...batch);
        startAt += batch.length;
        if (batch.length === 0 || startAt >= (page.total ?? 0)) break;
      }
      return jiraDocument(this.config.baseUrl, issue, comments, this.config.fields);
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return atlassianCall("Jira", this.environment.reportWaiting, work);
  }
}
