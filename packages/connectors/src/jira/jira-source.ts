import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import { z } from "zod";
import { atlassianSecrets, checkAtlassianCredentials } from "../atlassian/atlassian-credentials.js";
import { checkBaseUrl } from "../source-checks.js";
import { defineSourceType } from "../source-type.js";
import { verifiedHook } from "../webhooks/verified-hook.js";
import type { WebhookOutcome } from "../webhooks/webhook-delivery.js";

export const jiraConfig = z.object({
  baseUrl: z.string().min(1, "baseUrl must not be empty").max(textLimits.url).meta({ description: "the Jira site: https://<site>.atlassian.net, or a Data Center server" }),
  jql: z.string().trim().min(1, "jql must name the issues to read, such as project = ABC").max(2000).meta({ description: "which issues to read (a JQL restriction such as `project = ABC`); qamesh adds the ordering" }),
  fields: z.array(z.string().regex(/^[A-Za-z0-9_]{1,100}$/, "must be field ids")).max(50).default([]).meta({ description: "more fields to index besides summary, description and comments (customfield_10010...)" }),
});

export type JiraConfig = z.output<typeof jiraConfig>;

/** A Jira site: the issues a JQL restriction names, with description, chosen fields and comments. */
export const jiraSource = defineSourceType({
  type: "jira",
  title: "Jira issues (Cloud or Data Center) that a JQL restriction names, with their descriptions, chosen fields and comments",
  config: jiraConfig,
  secrets: atlassianSecrets("Jira"),
  async check(config, secrets, { outboundPolicy }) {
    const baseUrl = await checkBaseUrl(config.baseUrl, outboundPolicy);
    if (/\border\s+by\b/i.test(config.jql)) throw invalidArgument("jql", "jql must not order the issues: qamesh reads them by update time");
    checkAtlassianCredentials("Jira", secrets);
    return { config: { ...config, baseUrl }, secrets };
  },
  identity: (config) => `jira:${new URL(config.baseUrl).host.toLowerCase()}${new URL(config.baseUrl).pathname.replace(/\/+$/, "")}?${config.jql}`,
  location: (config) => `${config.baseUrl} (${config.jql})`,
  async openReader(config, secrets, environment) {
    const { JiraReader } = await import("./jira-reader.js");
    return JiraReader.open(config, secrets, environment);
  },
  /** Jira's admin webhooks with a secret (X-Hub-Signature): issue and comment events re-read that issue alone. */
  async receiveWebhook(delivery, secret) {
    const hook = await verifiedHook(delivery, secret, ["atlassian"]);
    const base = { deliveryId: hook.deliveryId, event: hook.event };
    if (!/^(jira:issue_(created|updated|deleted)|comment_(created|updated|deleted))$/.test(hook.event)) return { ...base, action: "ignore", reason: `${hook.event || "this"} event is not read` } satisfies WebhookOutcome;
    const key = (hook.payload as { issue?: { key?: unknown } } | null)?.issue?.key;
    if (typeof key !== "string" || !/^[A-Z][A-Z0-9_]+-[1-9][0-9]*$/.test(key)) return { ...base, action: "ignore", reason: "the payload names no issue" };
    return { ...base, action: "sync", reason: `${hook.event} on ${key}`, documents: [key] };
  },
});
