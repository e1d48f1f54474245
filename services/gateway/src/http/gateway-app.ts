import express, { type Express } from "express";
import { notFound } from "@qamesh/errors";
import type { Logger } from "@qamesh/logger";
import type { Peers } from "../peers.js";
import { errorResponse } from "./error-response.js";
import { jsonBody } from "./json-body.js";
import { openApiDocument } from "./openapi-document.js";
import { requestContext } from "./request-context.js";
import { healthRoutes } from "./routes/health-routes.js";
import { ingestionRoutes } from "./routes/ingestion-routes.js";
import { projectRoutes } from "./routes/project-routes.js";
import { searchAndAskRoutes } from "./routes/search-and-ask-routes.js";
import { sourceRoutes } from "./routes/source-routes.js";

/** The public HTTP surface. Express 5 forwards rejected async handlers to the error handler. */
export function createGatewayApp(peers: Peers, logger: Logger): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(requestContext(logger));
  app.use(jsonBody());
  app.get("/openapi.json", (_request, response) => {
    response.json(openApiDocument);
  });
  app.use(healthRoutes(peers));
  app.use(projectRoutes(peers));
  app.use(sourceRoutes(peers));
  app.use(ingestionRoutes(peers));
  app.use(searchAndAskRoutes(peers));
  app.use((request) => {
    throw notFound(`no route for ${request.method} ${request.path}`);
  });
  app.use(errorResponse);
  return app;
}
