import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import { z } from "zod";
import { checkBaseUrl, checkBranch } from "../source-checks.js";
import { defineSourceType } from "../source-type.js";
import { isPush, pushOutcome } from "../webhooks/push-hooks.js";
import { verifiedHook } from "../webhooks/verified-hook.js";
import { gitlabDocumentEvent } from "./gitlab-hooks.js";

const projectPath = /^(?:[1-9][0-9]{0,12}|[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_.][A-Za-z0-9_.-]*){1,20})$/;

export const gitlabConfig = z.object({
  project: z.string().max(textLimits.path).regex(projectPath, "must be a project path (group/project) or a numeric id").meta({ description: "the project's path (group/subgroup/project) or numeric id" }),
  branch: z.string().max(textLimits.branch).default("").meta({ description: "the branch whose code is read; defaults to the project's default branch" }),
  include: z
    .object({ code: z.boolean().default(true), issues: z.boolean().default(true), mergeRequests: z.boolean().default(true) })
    .strict()
    .default({ code: true, issues: true, mergeRequests: true })
    .meta({ description: "what to read: the code, issues, merge requests (each with its notes)" }),
  baseUrl: z.string().max(textLimits.url).default("https://gitlab.com").meta({ description: "the GitLab server: https://gitlab.com or a self-managed one" }),
});

export type GitLabConfig = z.output<typeof gitlabConfig>;

/** A GitLab project: its code (through git), issues and merge requests with their notes. */
export const gitlabSource = defineSourceType({
  type: "gitlab",
  title: "a GitLab project (gitlab.com or self-managed): its code, issues and merge requests with their notes",
  config: gitlabConfig,
  secrets: z.object({
    token: z.string().min(1).max(1000).optional().meta({ writeOnly: true, description: "a personal, project or group access token with read_api and read_repository (optional for public projects). Write-only" }),
  }),
  async check(config, secrets, { outboundPolicy }) {
    checkBranch(config.branch);
    if (!config.include.code && !config.include.issues && !config.include.mergeRequests) throw invalidArgument("include", "include must name something to read");
    const baseUrl = await checkBaseUrl(config.baseUrl, outboundPolicy);
    return { config: { ...config, baseUrl }, secrets };
  },
  identity: (config) => `gitlab:${new URL(config.baseUrl).host.toLowerCase()}/${config.project.toLowerCase()}#${config.branch}`,
  location: (config) => config.project,
  async openReader(config, secrets, environment, source) {
    const { GitLabReader } = await import("./gitlab-reader.js");
    return GitLabReader.open(config, secrets.token, environment, source);
  },
  /** GitLab's hooks (X-Gitlab-Token): pushes for the code; issue, merge request and note events for those documents. */
  async receiveWebhook(delivery, secret, config) {
    const hook = await verifiedHook(delivery, secret, ["gitlab"]);
    if (isPush(hook)) {
      if (!config.include.code) return { action: "ignore", deliveryId: hook.deliveryId, event: hook.event, reason: "this source does not read code" };
      return pushOutcome(hook, config.branch);
    }
    return gitlabDocumentEvent(hook, config.include);
  },
});
