import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import { z } from "zod";
import { atlassianSecrets, checkAtlassianCredentials } from "../atlassian/atlassian-credentials.js";
import { checkBaseUrl } from "../source-checks.js";
import { defineSourceType } from "../source-type.js";
import { verifiedHook } from "../webhooks/verified-hook.js";
import { confluenceDocumentKey } from "./confluence-documents.js";

export const confluenceConfig = z.object({
  baseUrl: z.string().min(1, "baseUrl must not be empty").max(textLimits.url).meta({ description: "the Confluence site: https://<site>.atlassian.net/wiki, or a Data Center server" }),
  spaces: z.array(z.string().regex(/^[A-Za-z0-9~_-]{1,255}$/, "must be space keys")).min(1, "spaces must name at least one space").max(50),
  include: z
    .object({ pages: z.boolean().default(true), blogPosts: z.boolean().default(false), comments: z.boolean().default(true), attachments: z.boolean().default(false) })
    .strict()
    .default({ pages: true, blogPosts: false, comments: true, attachments: false })
    .meta({ description: "pages, blog posts, their comments, and their text attachments (plain text, Markdown, CSV, JSON, XML, YAML) up to MAX_FILE_BYTES" }),
});

export type ConfluenceConfig = z.output<typeof confluenceConfig>;

/** Confluence spaces: their pages (and blog posts if asked), cut at headings, with comments. */
export const confluenceSource = defineSourceType({
  type: "confluence",
  title: "Confluence spaces (Cloud or Data Center): pages and blog posts, cut at their headings, with their comments",
  config: confluenceConfig,
  secrets: atlassianSecrets("Confluence"),
  async check(config, secrets, { outboundPolicy }) {
    const baseUrl = await checkBaseUrl(config.baseUrl, outboundPolicy);
    if (!config.include.pages && !config.include.blogPosts) throw invalidArgument("include", "include must name pages or blog posts");
    checkAtlassianCredentials("Confluence", secrets);
    return { config: { ...config, baseUrl }, secrets };
  },
  identity: (config) => `confluence:${config.baseUrl.toLowerCase()}?${[...config.spaces].sort().join(",")}`,
  location: (config) => `${config.baseUrl} (${config.spaces.join(", ")})`,
  async openReader(config, secrets, environment) {
    const { ConfluenceReader } = await import("./confluence-reader.js");
    return ConfluenceReader.open(config, secrets, environment);
  },
  /** Confluence Data Center's signed webhooks (X-Hub-Signature): page, blog post and comment events re-read that page. */
  async receiveWebhook(delivery, secret) {
    const hook = await verifiedHook(delivery, secret, ["atlassian"]);
    const base = { deliveryId: hook.deliveryId, event: hook.event };
    const payload = (hook.payload ?? {}) as { page?: { id?: unknown }; blog?: { id?: unknown }; blogpost?: { id?: unknown }; comment?: { parent?: { id?: unknown; contentType?: unknown } } };
    const pageId = payload.page?.id ?? payload.comment?.parent?.id;
    const blogId = payload.blog?.id ?? payload.blogpost?.id;
    const id = String(pageId ?? blogId ?? "");
    if (!/^(page|blog|blogpost|comment)_/.test(hook.event) || !/^[0-9]{1,20}$/.test(id)) return { ...base, action: "ignore", reason: `${hook.event || "this"} event names no page` };
    const key = confluenceDocumentKey(pageId !== undefined && payload.comment?.parent?.contentType !== "blogpost" ? "page" : "blogpost", id);
    return { ...base, action: "sync", reason: `${hook.event} on ${key}`, documents: [key] };
  },
});
