import type { Response } from "express";

/**
 * Adds a metric to the response's Server-Timing header: browsers' developer tools show it, and
 * the bench reads it to take the token check out of a request's latency.
 */
export function addServerTiming(response: Response, name: string, milliseconds: number): void {
  const entry = `${name};dur=${milliseconds.toFixed(3)}`;
  const existing = response.getHeader("server-timing");
  response.setHeader("server-timing", existing ? `${String(existing)}, ${entry}` : entry);
}
