import express, { Router } from "express";
import { AppError } from "@qamesh/errors";
import { currentContextValues } from "@qamesh/grpc";
import { actAs } from "@qamesh/mesh-auth";
import type { GatewayIdentity } from "../../identity.js";
import type { Peers } from "../../peers.js";
import type { GatewayRateLimits } from "../rate-limits.js";

/** GitHub sends at most 25 MB; nothing larger is a webhook. */
export const maxWebhookBytes = 25 * 1024 * 1024;

/** Only the headers a webhook's sender, event, delivery id and signature are read from go further. */
const forwardedHeaders = /^(x-github-|x-hub-signature|x-gitlab-|idempotency-key$|x-atlassian-|x-event-key$|content-type$|user-agent$)/;

/**
 * `POST /v1/webhooks/{sourceId}`: a repository host, Jira or Confluence telling a source that
 * something changed. No user token: the source's webhook secret authenticates the delivery,
 * and that secret is the ingestion service's, so the body goes there exactly as it arrived
 * (signatures cover its bytes), for the webhook principal of that one source. The answer comes
 * as soon as the delivery is checked and recorded; the work goes on the bus.
 */
export function webhookRoutes(peers: Peers, identity: GatewayIdentity, rateLimits: GatewayRateLimits): Router {
  const router = Router();
  router.post("/v1/webhooks/:sourceId", express.raw({ type: () => true, limit: maxWebhookBytes }), async (request, response) => {
    const sourceId = request.params.sourceId;
    await rateLimits.webhook(sourceId);
    const principal = { kind: "webhook", sourceId } as const;
    actAs(currentContextValues(), principal, identity.assertions.credentialFor(principal));
    const headers = Object.fromEntries(
      Object.entries(request.headers).flatMap(([name, value]) => (forwardedHeaders.test(name) && typeof value === "string" ? [[name, value]] : [])),
    );
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const receipt = await peers.ingestion.receiveWebhook({ sourceId, headers, body });
    if (receipt.status === "refused") throw new AppError("unauthenticated", receipt.reason);
    response.status(202).json({ status: receipt.status, event: receipt.event, runId: receipt.runId || null, reason: receipt.reason });
  });
  return router;
}
