import { z } from "zod";

/** Building blocks shared by the services' config schemas, so each variable type reads the same everywhere. */

export const port = (fallback?: number) => {
  const message = "must be a port number (0-65535)";
  const base = z.coerce.number({ error: message }).int(message).min(0, message).max(65535, message);
  return fallback === undefined ? base : base.default(fallback);
};

const hostAndPort = /^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/;
const ipv4AndPort = /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/;

/**
 * host:port of a peer gRPC server (a name resolving to every replica, as a Kubernetes headless
 * Service does), or a comma-separated list of IPv4 ip:port, one per replica, called in turn.
 */
export const grpcAddress = () =>
  z
    .string()
    .refine((value) => {
      const addresses = value.split(",").map((address) => address.trim());
      return addresses.length === 1 ? hostAndPort.test(addresses[0]!) : addresses.every((address) => ipv4AndPort.test(address));
    }, "must be host:port, or a comma-separated list of IPv4 ip:port");

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
