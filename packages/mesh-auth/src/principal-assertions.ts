import { z } from "zod";
import type { CallPrincipal } from "@qamesh/authorization";
import type { TokenKind } from "@qamesh/signed-tokens";

/**
 * How long an assertion is good for: long enough for every call one request leads to (an agent
 * answer calling tools between the turns of a slow model), short enough that one captured inside
 * the mesh is soon useless. Signers reuse one for a fifth of that (assertion-signer.ts), so a
 * request always starts with at least eight minutes left.
 */
const lifetimeSeconds = 600;

/** What the gateway asserts about the user of one request. Only the gateway's key signs these. */
export const userAssertions: TokenKind = { issuer: "qamesh-gateway", audience: "qamesh-mesh", type: "qamesh-assertion+jwt", lifetimeSeconds };

/** What a service asserts about itself for work no user asked for. Only the services' key signs these. */
export const serviceAssertions: TokenKind = { issuer: "qamesh-service", audience: "qamesh-mesh", type: "qamesh-assertion+jwt", lifetimeSeconds };

const userClaims = z
  .object({
    kind: z.literal("user"),
    sub: z.string().min(1),
    username: z.string().min(1),
    globalRole: z.enum(["admin", "user"]),
    project: z.object({ id: z.string().min(1), role: z.enum(["admin", "member"]) }).strict().optional(),
  })
  .loose();

const webhookClaims = z.object({ kind: z.literal("webhook"), sub: z.string().min(1) }).loose();

const serviceClaims = z.object({ kind: z.literal("service"), sub: z.string().min(1) }).loose();

/** The subject and claims an assertion of `principal` carries. */
export function assertionClaims(principal: CallPrincipal): { subject: string; claims: Record<string, unknown> } {
  if (principal.kind === "service") return { subject: principal.service, claims: { kind: "service" } };
  if (principal.kind === "webhook") return { subject: principal.sourceId, claims: { kind: "webhook" } };
  return {
    subject: principal.userId,
    claims: { kind: "user", username: principal.username, globalRole: principal.globalRole, ...(principal.project ? { project: principal.project } : {}) },
  };
}

/**
 * The principal a verified assertion stands for, or undefined when its claims do not fit the
 * key that signed it: the gateway's key vouches for users and the webhook deliveries it received,
 * the services' for services only, so a service's key stolen cannot make anyone an admin.
 */
export function principalFromClaims(payload: unknown, signedBy: "gateway" | "service"): CallPrincipal | undefined {
  if (signedBy === "service") {
    const parsed = serviceClaims.safeParse(payload);
    return parsed.success ? { kind: "service", service: parsed.data.sub } : undefined;
  }
  const webhook = webhookClaims.safeParse(payload);
  if (webhook.success) return { kind: "webhook", sourceId: webhook.data.sub };
  const parsed = userClaims.safeParse(payload);
  if (!parsed.success) return undefined;
  const { sub, username, globalRole, project } = parsed.data;
  return { kind: "user", userId: sub, username, globalRole, ...(project ? { project } : {}) };
}
