import { invalidArgument } from "@qamesh/errors";
import { z } from "zod";

/** How Jira and Confluence take credentials: Cloud an email and API token, Data Center a personal token. */
export const atlassianSecrets = (product: "Jira" | "Confluence") =>
  z.object({
    email: z.string().max(320).optional().meta({ description: `${product} Cloud: the account's email, with apiToken` }),
    apiToken: z.string().min(1).max(1000).optional().meta({ writeOnly: true, description: `${product} Cloud: an API token. Write-only` }),
    personalToken: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .meta({ writeOnly: true, description: `${product} Data Center: a personal access token (instead of email and apiToken). Write-only` }),
  });

export type AtlassianSecrets = z.output<ReturnType<typeof atlassianSecrets>>;

/** One way or the other, given whole (or none, for a site that lets anyone read). */
export function checkAtlassianCredentials(product: "Jira" | "Confluence", secrets: AtlassianSecrets): void {
  if (secrets.personalToken && (secrets.email || secrets.apiToken)) throw invalidArgument("personalToken", "give a personal token (Data Center) or an email and API token (Cloud), not both");
  if (Boolean(secrets.email) !== Boolean(secrets.apiToken)) throw invalidArgument(secrets.email ? "apiToken" : "email", `${product} Cloud needs both the email and the API token`);
}

/** What jira.js and confluence.js are told: Bearer for a personal token, basic for an email and API token. */
export function atlassianAuthentication(secrets: AtlassianSecrets) {
  if (secrets.personalToken) return { authentication: { oauth2: { accessToken: secrets.personalToken } } };
  if (secrets.email && secrets.apiToken) return { authentication: { basic: { email: secrets.email, apiToken: secrets.apiToken } } };
  return {};
}
