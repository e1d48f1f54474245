import { Router, type Request, type Response } from "express";
import { AppError } from "@qamesh/errors";
import { accessTokens, refreshTokenLifetimeSeconds } from "@qamesh/identity";
import { userForLogin, type GatewayIdentity } from "../../identity.js";
import type { GatewayRateLimits } from "../rate-limits.js";
import { parseInput } from "@qamesh/errors";
import { requestBodies } from "../request-bodies.js";

const refreshCookie = "qamesh_refresh";

/** One message for an unknown user and a wrong password: which one it was is not said. */
const loginRefused = () => new AppError("unauthenticated", "unknown user or wrong password");
const refreshRefused = () => new AppError("unauthenticated", "the refresh token is not valid (expired, revoked or already used)");

/**
 * Login, refresh and logout: the routes that work without an access token. The refresh token
 * comes in the body and in an httpOnly, SameSite=Strict cookie scoped to /v1/auth, so a browser
 * page never has to hold it.
 */
export function authRoutes(identity: GatewayIdentity, rateLimits: GatewayRateLimits): Router {
  const router = Router();

  const issue = async (request: Request, response: Response, userId: string, familyId: string, refreshToken: string) => {
    const accessToken = await identity.accessTokenSigner.sign(userId, { fam: familyId });
    response.cookie(refreshCookie, refreshToken, {
      httpOnly: true,
      sameSite: "strict",
      path: "/v1/auth",
      secure: request.secure,
      maxAge: refreshTokenLifetimeSeconds * 1000,
    });
    response.setHeader("cache-control", "no-store");
    response.json({ accessToken, tokenType: "Bearer", expiresIn: accessTokens.lifetimeSeconds, refreshToken });
  };

  router.post("/v1/auth/login", async (request, response) => {
    const body = parseInput(requestBodies.Login, request.body);
    await rateLimits.login(body.username, request.ip ?? "unknown");
    // An empty password is refused here, before any check: some directories take it for an anonymous bind.
    const user = await userForLogin(identity, body.username, body.password);
    if (!user) {
      request.log.info({ username: body.username }, "login refused");
      await identity.audit.record(request, { action: "login.failed", target: body.username, actor: null });
      throw loginRefused();
    }
    const { familyId, token } = await identity.refreshTokens.start(user.id);
    request.log.info({ userId: user.id }, "login");
    await identity.audit.record(request, { action: "login.succeeded", target: user.username, actor: { userId: user.id, username: user.username } });
    await issue(request, response, user.id, familyId, token);
  });

  router.post("/v1/auth/refresh", async (request, response) => {
    const token = parseInput(requestBodies.Refresh, request.body).refreshToken ?? cookieValue(request, refreshCookie);
    if (!token) throw refreshRefused();
    const result = await identity.refreshTokens.rotate(token);
    if (result.outcome === "reused") {
      request.log.warn({ userId: result.userId, familyId: result.familyId }, "a rotated refresh token was presented again; its family is revoked");
      const user = await identity.users.get(result.userId);
      await identity.audit.record(request, {
        action: "login.revoked",
        target: user?.username ?? result.userId,
        actor: null,
        detail: `a rotated refresh token was presented again; login ${result.familyId} revoked`,
      });
    }
    if (result.outcome !== "rotated") {
      response.clearCookie(refreshCookie, { path: "/v1/auth" });
      throw refreshRefused();
    }
    await issue(request, response, result.userId, result.familyId, result.token);
  });

  router.post("/v1/auth/logout", async (request, response) => {
    const token = parseInput(requestBodies.Refresh, request.body).refreshToken ?? cookieValue(request, refreshCookie);
    const familyId = token ? await identity.refreshTokens.familyOf(token) : await familyOfAccessToken(identity, request);
    if (familyId) {
      await identity.refreshTokens.revokeFamily(familyId, "logout");
      await identity.audit.record(request, { action: "logout", target: familyId, actor: null });
    }
    response.clearCookie(refreshCookie, { path: "/v1/auth" });
    response.status(204).end();
  });

  return router;
}

/** The login an access token in the Authorization header belongs to, if it is one of ours. */
async function familyOfAccessToken(identity: GatewayIdentity, request: Request): Promise<string | undefined> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.header("authorization") ?? "")?.[1];
  if (!bearer) return undefined;
  const claims = await identity.accessTokenVerifier.verify(bearer).catch(() => undefined);
  return typeof claims?.fam === "string" ? claims.fam : undefined;
}

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.header("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}
