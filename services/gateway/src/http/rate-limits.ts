import type { NextFunction, Request, Response } from "express";
import { AppError } from "@qamesh/errors";
import type { RateLimit, RateLimiter } from "@qamesh/ports";

/** The gateway's limits, from its configuration. */
export interface RateLimitSettings {
  loginsPerUsername: number;
  loginsPerAddress: number;
  loginWindowSeconds: number;
  requestsPerMinute: number;
  answersPerMinute: number;
  webhooksPerMinute: number;
}

/**
 * The limits a caller meets: logins per username and per address (guessing passwords), requests
 * per principal, answers per project (the expensive work). Over a limit: 429 with Retry-After.
 */
export class GatewayRateLimits {
  private readonly limits: Record<"loginUsername" | "loginAddress" | "requests" | "answers" | "webhooks", RateLimit>;

  constructor(
    private readonly limiter: RateLimiter,
    settings: RateLimitSettings,
  ) {
    this.limits = {
      loginUsername: { name: "login-username", points: settings.loginsPerUsername, durationSeconds: settings.loginWindowSeconds },
      loginAddress: { name: "login-address", points: settings.loginsPerAddress, durationSeconds: settings.loginWindowSeconds },
      requests: { name: "requests", points: settings.requestsPerMinute, durationSeconds: 60 },
      answers: { name: "answers", points: settings.answersPerMinute, durationSeconds: 60 },
      webhooks: { name: "webhooks", points: settings.webhooksPerMinute, durationSeconds: 60 },
    };
  }

  /** Counts a login attempt (before the password is checked, so guesses are counted either way). */
  async login(username: string, address: string): Promise<void> {
    await this.consume(this.limits.loginUsername, username.toLowerCase(), "too many login attempts for this user");
    await this.consume(this.limits.loginAddress, address, "too many login attempts from this address");
  }

  /** Middleware: every authenticated request counts against its principal. */
  perPrincipal() {
    return async (request: Request, _response: Response, next: NextFunction) => {
      await this.consume(this.limits.requests, request.caller.principal.userId, "too many requests");
      next();
    };
  }

  /** Counts one answer (the expensive work) for a project. */
  async answer(projectId: string): Promise<void> {
    await this.consume(this.limits.answers, projectId, "too many questions to this project");
  }

  /** Counts one webhook delivery for a source (before its signature is checked: forged ones count too). */
  async webhook(sourceId: string): Promise<void> {
    await this.consume(this.limits.webhooks, sourceId, "too many webhook deliveries for this source");
  }

  private async consume(limit: RateLimit, key: string, message: string): Promise<void> {
    const waitSeconds = await this.limiter.consume(limit, key);
    if (waitSeconds > 0) throw new AppError("resource_exhausted", `${message}; try again in ${waitSeconds} s`, { retryAfterSeconds: waitSeconds });
  }
}
