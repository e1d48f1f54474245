import { textLimits } from "@qamesh/limits";
import { splitGitUrlCredentials } from "@qamesh/source-safety";
import { z } from "zod";
import { defineSourceType } from "../source-type.js";
import { isPush, pushOutcome } from "../webhooks/push-hooks.js";
import { verifiedHook } from "../webhooks/verified-hook.js";
import { checkRepository, normalisedGitUrl } from "./git-source-checks.js";

/** HTTP basic credentials for an https repository: a token as the password (GitHub, GitLab, Bitbucket). */
export const gitCredentials = z
  .object({
    username: z.string().min(1).max(200).default("x-access-token"),
    password: z.string().min(1, "password must not be empty").max(4096).meta({ writeOnly: true }),
  })
  .strict();

/** Any repository git can clone, read at the head of one branch. */
export const gitSource = defineSourceType({
  type: "git",
  title: "a git repository (https, ssh, git or file URL), read at the head of a branch",
  config: z.object({
    url: z
      .string()
      .min(1, "url must not be empty")
      .max(textLimits.url)
      .meta({ description: "https, ssh, git or file URL; credentials in an https URL are taken out and kept as `credentials`" }),
    branch: z.string().max(textLimits.branch).default("").meta({ description: "defaults to the remote HEAD" }),
  }),
  secrets: z.object({
    credentials: gitCredentials
      .optional()
      .meta({ description: "HTTP basic credentials for an https URL (a token as password). Write-only: sealed at rest, never returned" }),
  }),
  async check(config, secrets, environment) {
    const { url, branch, credentials } = await checkRepository({ ...config, credentials: secrets.credentials }, environment);
    return { config: { url, branch }, secrets: credentials ? { credentials } : {} };
  },
  identity: (config) => `git:${normalisedGitUrl(config.url)}#${config.branch}`,
  location: (config) => config.url,
  async openReader(config, secrets, environment, source) {
    const { GitRepositoryReader } = await import("./git-repository-reader.js");
    // Sources stored before credentials were kept apart may still carry them in the URL.
    const { url, credentials: fromUrl } = splitGitUrlCredentials(config.url);
    return new GitRepositoryReader(url, config.branch, secrets.credentials ?? fromUrl, environment, source);
  },
  /** Any host that sends GitHub- or GitLab-style push hooks (Gitea and Forgejo send GitHub's). */
  async receiveWebhook(delivery, secret, config) {
    const hook = await verifiedHook(delivery, secret, ["github", "gitlab"]);
    if (!isPush(hook)) return { action: "ignore", deliveryId: hook.deliveryId, event: hook.event, reason: `a git source reads pushes only, not ${hook.event} events` };
    return pushOutcome(hook, config.branch);
  },
});
