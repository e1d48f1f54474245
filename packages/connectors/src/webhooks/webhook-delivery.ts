import { createHash } from "node:crypto";

/** A webhook request as it arrived: header names in lower case, the body's exact bytes (signatures cover them). */
export interface WebhookDelivery {
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

/**
 * What a verified delivery asks for. `sync`: bring the source up to date (for a repository:
 * the files changed since what is indexed; for tickets and pages: `documents` only, when
 * named). `ignore`: nothing to do (another branch, an event qamesh does not read). `report`:
 * a change that is not applied blindly (a deleted branch), which admins are told of.
 */
export type WebhookOutcome = { action: "sync" | "ignore" | "report"; deliveryId: string; event: string; reason: string; documents?: string[] };

/**
 * The provider's id of a delivery, stable across its retries and redeliveries; for a provider
 * that sends none, the body's hash (a retry sends the same bytes).
 */
export function deliveryIdOf(delivery: WebhookDelivery, ...headerNames: string[]): string {
  for (const name of headerNames) {
    const value = delivery.headers[name]?.trim();
    if (value) return value.slice(0, 200);
  }
  return `sha256:${createHash("sha256").update(delivery.body).digest("hex")}`;
}
