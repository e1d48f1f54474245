import type { NextFunction, Request, Response } from "express";
import type { Principal } from "@qamesh/authorization";
import { AppError } from "@qamesh/errors";
import { currentContextValues } from "@qamesh/grpc";
import { actAs } from "@qamesh/mesh-auth";
import { looksLikeApiKey, type ApiKeyRecord } from "@qamesh/identity";
import type { GatewayIdentity } from "../../identity.js";
import { addServerTiming } from "../server-timing.js";

/** The authenticated caller of a request, and how they proved it. */
export interface Caller {
  principal: Principal;
  /** An access token names its login's refresh family; an API key brings its narrowing. */
  via: { kind: "access token"; familyId: string } | { kind: "api key"; key: ApiKeyRecord };
}

declare module "express-serve-static-core" {
  interface Request {
    caller: Caller;
  }
}

const unauthenticated = (message: string) => new AppError("unauthenticated", message);

/**
 * Every route after this needs `Authorization: Bearer <access token or API key>`. An access
 * token must verify (signature, algorithm, issuer, audience, type, expiry) and its login must
 * not have been revoked; an API key must match and be unexpired; either way the user must still
 * exist. Failures are 401 with one message each, saying nothing of which check failed.
 */
export function authenticate(identity: GatewayIdentity) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const header = request.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    response.setHeader("www-authenticate", 'Bearer realm="qamesh"');
    if (!match) return next(unauthenticated("this needs Authorization: Bearer <access token or API key>"));
    const started = performance.now();
    const caller = await callerOf(identity, match[1]!);
    if (!caller) return next(unauthenticated("the credential is not valid (expired, revoked or unknown)"));
    // Only a check that passed is timed out loud: a refusal says nothing about which check failed.
    addServerTiming(response, "auth", performance.now() - started);
    request.caller = caller;
    // The gRPC calls this request makes assert who it is for.
    actAs(currentContextValues(), caller.principal, identity.assertions.credentialFor(caller.principal));
    response.removeHeader("www-authenticate");
    next();
  };
}

/** The caller a bearer credential (access token or API key) stands for, if it is valid now. */
export function callerOf(identity: GatewayIdentity, credential: string): Promise<Caller | undefined> {
  return looksLikeApiKey(credential) ? byApiKey(identity, credential) : byAccessToken(identity, credential);
}

async function byAccessToken(identity: GatewayIdentity, token: string): Promise<Caller | undefined> {
  const claims = await identity.accessTokenVerifier.verify(token).catch(() => undefined);
  const familyId = typeof claims?.fam === "string" ? claims.fam : undefined;
  if (!claims || !familyId || !(await identity.refreshTokens.isActive(familyId))) return undefined;
  const user = await identity.users.get(claims.sub);
  if (!user) return undefined;
  return { principal: { kind: "user", userId: user.id, username: user.username, globalRole: user.globalRole }, via: { kind: "access token", familyId } };
}

async function byApiKey(identity: GatewayIdentity, key: string): Promise<Caller | undefined> {
  const record = await identity.apiKeys.authenticate(key);
  const user = record && (await identity.users.get(record.userId));
  if (!record || !user) return undefined;
  return { principal: { kind: "user", userId: user.id, username: user.username, globalRole: user.globalRole }, via: { kind: "api key", key: record } };
}
