import cors from "cors";
import express, { type Express } from "express";
import helmet from "helmet";
import { notFound } from "@qamesh/errors";
import type { Logger } from "@qamesh/logger";
import type { GatewayIdentity } from "../identity.js";
import type { Peers } from "../peers.js";
import { authenticate } from "./auth/authenticate.js";
import { authRoutes } from "./auth/auth-routes.js";
import { projectAccess } from "./auth/project-access.js";
import { errorResponse } from "./error-response.js";
import { jsonBody } from "./json-body.js";
import { openApiDocument } from "./openapi-document.js";
import type { GatewayRateLimits } from "./rate-limits.js";
import { requestContext } from "./request-context.js";
import { apiKeyRoutes } from "./routes/api-key-routes.js";
import { auditRoutes } from "./routes/audit-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { ingestionRoutes } from "./routes/ingestion-routes.js";
import { memberRoutes } from "./routes/member-routes.js";
import { userRoutes } from "./routes/user-routes.js";
import { projectRoutes } from "./routes/project-routes.js";
import { searchAndAskRoutes } from "./routes/search-and-ask-routes.js";
import { sourceRoutes } from "./routes/source-routes.js";
import { toolRoutes } from "./routes/tool-routes.js";
import { profileRoutes } from "./routes/profile-routes.js";
import { chatRoutes } from "./routes/chat-routes.js";
import { openAiRoutes } from "./routes/openai-routes.js";
import { webhookRoutes } from "./webhooks/webhook-routes.js";

/**
 * The public HTTP surface. Express 5 forwards rejected async handlers to the error handler.
 * Health, readiness, the API description and the login routes are open; everything after
 * `authenticate` needs a principal.
 */
export function createGatewayApp(
  peers: Peers,
  identity: GatewayIdentity,
  rateLimits: GatewayRateLimits,
  options: { logger: Logger; corsOrigins: readonly string[]; trustProxyHops: number },
): Express {
  const app = express();
  app.disable("x-powered-by");
  // Behind N proxies, the client's address is the Nth from the right of X-Forwarded-For.
  app.set("trust proxy", options.trustProxyHops);
  app.set("query parser", "simple");
  app.use(requestContext(options.logger));
  app.use(helmet());
  // Browsers may call the API only from the deployment's own origins; credentials are bearer
  // tokens, and the refresh cookie is SameSite=Strict, so no other site can ride on a session.
  app.use(
    cors({
      origin: [...options.corsOrigins],
      credentials: true,
      allowedHeaders: ["authorization", "content-type", "accept", "x-request-id", "last-event-id"],
      exposedHeaders: ["x-request-id", "location", "retry-after"],
      maxAge: 600,
    }),
  );
  // Before the JSON parser: a webhook's signature covers the bytes as they arrived.
  app.use(webhookRoutes(peers, identity, rateLimits));
  app.use(jsonBody());
  app.get("/openapi.json", (_request, response) => {
    response.json(openApiDocument);
  });
  app.use(healthRoutes(peers));
  app.use(authRoutes(identity, rateLimits));
  app.use(authenticate(identity));
  app.use(rateLimits.perPrincipal());
  app.use(apiKeyRoutes(identity));
  app.use(userRoutes(identity));
  app.use("/v1/projects/:projectId", projectAccess(identity));
  app.use(projectRoutes(peers, identity));
  app.use(memberRoutes(identity));
  app.use(sourceRoutes(peers, identity.audit));
  app.use(auditRoutes(identity));
  app.use(ingestionRoutes(peers));
  app.use(searchAndAskRoutes(peers, rateLimits));
  app.use(toolRoutes(peers, identity.audit));
  app.use(profileRoutes(peers, identity.audit));
  app.use(chatRoutes(peers, rateLimits, identity.audit));
  app.use(openAiRoutes(peers, identity, rateLimits));
  app.use((request) => {
    throw notFound(`no route for ${request.method} ${request.path}`);
  });
  app.use(errorResponse);
  return app;
}
