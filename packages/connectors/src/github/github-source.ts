import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import { z } from "zod";
import { checkBaseUrl, checkBranch } from "../source-checks.js";
import { defineSourceType } from "../source-type.js";
import { isPush, pushOutcome } from "../webhooks/push-hooks.js";
import { verifiedHook } from "../webhooks/verified-hook.js";
import { githubDocumentEvent } from "./github-hooks.js";

const name = /^[A-Za-z0-9_.-]{1,100}$/;

export const githubConfig = z.object({
  owner: z.string().regex(name, "must be a GitHub user or organisation name").meta({ description: "the repository's owner (user or organisation)" }),
  repo: z.string().regex(name, "must be a repository name"),
  branch: z.string().max(textLimits.branch).default("").meta({ description: "the branch whose code is read; defaults to the repository's default branch" }),
  include: z
    .object({ code: z.boolean().default(true), issues: z.boolean().default(true), pullRequests: z.boolean().default(true) })
    .strict()
    .default({ code: true, issues: true, pullRequests: true })
    .meta({ description: "what to read: the code, issues, pull requests (each with its comments and review comments)" }),
  baseUrl: z
    .string()
    .max(textLimits.url)
    .default("https://api.github.com")
    .meta({ description: "the REST API's root: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server" }),
});

export type GitHubConfig = z.output<typeof githubConfig>;

/** A GitHub repository: its code (through git), its issues and pull requests with their comments. */
export const githubSource = defineSourceType({
  type: "github",
  title: "a GitHub repository: its code, issues and pull requests with their comments and review comments",
  config: githubConfig,
  secrets: z.object({
    token: z.string().min(1).max(1000).optional().meta({ writeOnly: true, description: "a token that can read the repository (optional for public ones). Write-only" }),
  }),
  async check(config, secrets, { outboundPolicy }) {
    checkBranch(config.branch);
    if (!config.include.code && !config.include.issues && !config.include.pullRequests) throw invalidArgument("include", "include must name something to read");
    const baseUrl = await checkBaseUrl(config.baseUrl, outboundPolicy);
    return { config: { ...config, baseUrl }, secrets };
  },
  identity: (config) => `github:${new URL(config.baseUrl).host.toLowerCase()}/${config.owner.toLowerCase()}/${config.repo.toLowerCase()}#${config.branch}`,
  location: (config) => `${config.owner}/${config.repo}`,
  async openReader(config, secrets, environment, source) {
    const { GitHubReader } = await import("./github-reader.js");
    return GitHubReader.open(config, secrets.token, environment, source);
  },
  /** GitHub's own hooks: pushes for the code; issue, comment and pull request events for those documents. */
  async receiveWebhook(delivery, secret, config) {
    const hook = await verifiedHook(delivery, secret, ["github"]);
    if (isPush(hook)) {
      if (!config.include.code) return { action: "ignore", deliveryId: hook.deliveryId, event: hook.event, reason: "this source does not read code" };
      return pushOutcome(hook, config.branch);
    }
    return githubDocumentEvent(hook, config.include);
  },
});
