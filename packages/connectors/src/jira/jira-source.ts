import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import { z } from "zod";
import { checkHost } from "../source-checks.js";
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
  secrets: z.object({
    email: z.string().max(320).optional().meta({ description: "Jira Cloud: the account's email, with apiToken" }),
    apiToken: z.string().min(1).max(1000).optional().meta({ writeOnly: true, description: "Jira Cloud: an API token. Write-only" }),
    personalToken: z.string().min(1).max(1000).optional().meta({ writeOnly: true, description: "Jira Data Center: a personal access token (instead of email and apiToken). Write-only" }),
  }),
  async check(config, secrets, { outboundPolicy }) {
    let base: URL;
    try {
      base = new URL(config.baseUrl);
    } catch {
      throw invalidArgument("baseUrl", "baseUrl must be an http(s) URL");
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") throw invalidArgument("baseUrl", "baseUrl must be an http(s) URL");
    if (base.username || base.password) throw invalidArgument("baseUrl", "baseUrl must not carry credentials");
    if (/\border\s+by\b/i.test(config.jql)) throw invalidArgument("jql", "jql must not order the issues: qamesh reads them by update time");
    if (secrets.personalToken && (secrets.email || secrets.apiToken)) throw invalidArgument("personalToken", "give a personal token (Data Center) or an email and API token (Cloud), not both");
    if (Boolean(secrets.email) !== Boolean(secrets.apiToken)) throw invalidArgument(secrets.email ? "apiToken" : "email", "Jira Cloud needs both the email and the API token");
    await checkHost("baseUrl", base.hostname, outboundPolicy);
    return { config: { ...config, baseUrl: base.href.replace(/\/+$/, "") }, secrets };
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
