import { z } from "zod";

/** Building blocks shared by the services' config schemas, so each variable type reads the same everywhere. */

export const port = (fallback?: number) => {
  const message = "must be a port number (0-65535)";
  const base = z.coerce.number({ error: message }).int(message).min(0, message).max(65535, message);
  return fallback === undefined ? base : base.default(fallback);
};

/** host:port of a peer gRPC server. */
export const grpcAddress = () =>
  z.string().regex(/^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/, "must be host:port");

export const logLevel = () => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info");

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "on", "off", "yes", "no"], "must be true or false")
    .default(fallback ? "true" : "false")
    .transform((value) => ["true", "1", "on", "yes"].includes(value));

/** A list separated by the platform path delimiter (":" on POSIX), like PATH. */
export const pathList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(":").filter((part) => part.length > 0));
