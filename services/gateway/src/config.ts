import { z } from "zod";
import { meshTrustConfigShape, signingKeysSetting } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, port } from "@qamesh/config";
import { documentStoreConfigShape, eventBusConfigShape } from "@qamesh/runtime-adapters";

export const gatewayConfigSchema = z
  .object({
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: port(8080),
  INGESTION_ADDRESS: grpcAddress().default("127.0.0.1:50052"),
  CHAT_ADDRESS: grpcAddress().default("127.0.0.1:50053"),
  TOOL_RUNTIME_ADDRESS: grpcAddress().default("127.0.0.1:50054"),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  /** SQLite file of users, refresh tokens and API keys when MONGODB_URI is not set. */
  GATEWAY_DB_FILE: z.string().min(1).default("./data/gateway.sqlite"),
  ...documentStoreConfigShape("gateway"),
  /** The bus the other services report audit entries on (tool calls, approval decisions). */
  ...eventBusConfigShape,
  /**
   * The gateway's ES256 key pair, `{"privateKey": <JWK>, "publicKey": <JWK>}` (a Kubernetes
   * Secret): it signs access tokens and the assertions that tell the services who a request is
   * for. Without it, the gateway pair in MESH_KEYS_FILE.
   */
  GATEWAY_SIGNING_KEYS: signingKeysSetting(),
  /** The first administrator's password, used once, on a store without users. */
  QAMESH_ROOT_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  /** Without QAMESH_ROOT_PASSWORD: generate root's password and write it here (standalone does). */
  ROOT_PASSWORD_FILE: z.string().min(1).optional(),
  /**
   * Comma-separated origins (https://app.example.com) whose pages may call the API from a
   * browser; none by default.
   */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean))
    .refine((origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), "must be a comma-separated list of origins such as https://app.example.com"),
  /** Login attempts per username, and per address, within RATE_LIMIT_LOGIN_WINDOW_SECONDS. */
  RATE_LIMIT_LOGINS_PER_USERNAME: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_LOGINS_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Requests per principal per minute, and answers (ask) per project per minute. */
  RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_ANSWERS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Webhook deliveries per source per minute. */
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Proxies in front of the gateway whose X-Forwarded-For to believe (0: use the peer address). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Users may also log in with their LDAP directory account (ldap:// or ldaps://). */
  LDAP_URL: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/, "must be ldap://host:port or ldaps://host:port").optional(),
  /** The read-only account qamesh searches the directory with. */
  LDAP_BIND_DN: z.string().min(1).optional(),
  LDAP_BIND_PASSWORD: z.string().min(1).optional(),
  /** Where users are searched (e.g. ou=people,dc=example,dc=com), and by which attribute. */
  LDAP_USER_BASE: z.string().min(1).optional(),
  LDAP_USERNAME_ATTRIBUTE: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, "must be an attribute name").default("uid"),
  /** Members (groupOfNames `member`) of this group are global admins. */
  LDAP_ADMIN_GROUP_DN: z.string().min(1).optional(),
  ...meshTrustConfigShape,
  LOG_LEVEL: logLevel(),
})
  .superRefine((config, context) => {
    if (!config.LDAP_URL) return;
    for (const variable of ["LDAP_BIND_DN", "LDAP_BIND_PASSWORD", "LDAP_USER_BASE"] as const) {
      if (!config[variable]) context.addIssue({ code: "custom", path: [variable], message: "is required with LDAP_URL" });
    }
  });

/**
 * Limits high enough never to bind: for throwaway meshes (tests, benchmarks) that make thousands
 * of requests a minute as one user. A deployment keeps the defaults or sets its own.
 */
export const unthrottledRateLimits: Record<string, string> = {
  RATE_LIMIT_LOGINS_PER_USERNAME: "100000",
  RATE_LIMIT_LOGINS_PER_ADDRESS: "100000",
  RATE_LIMIT_REQUESTS_PER_MINUTE: "10000000",
  RATE_LIMIT_ANSWERS_PER_MINUTE: "10000000",
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: "10000000",
};
