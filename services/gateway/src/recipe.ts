import { identityIndexes } from "@qamesh/identity";
import { meshSigningKeys } from "@qamesh/mesh-auth";
import { openRateLimiter } from "@qamesh/runtime-adapters";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { GatewayRateLimits } from "./http/rate-limits.js";
import { gatewayConfigSchema } from "./config.js";
import { auditIndexes } from "./audit/audit-log.js";
import { gatewayIdentity } from "./identity.js";
import { createGateway } from "./index.js";

/** The gateway from its environment: its HTTP address, its identity store and keys, the bus its audit entries come by, and the services behind it. */
export const gatewayRecipe: ServiceRecipe<typeof gatewayConfigSchema, ReturnType<typeof createGateway>> = {
  name: "gateway",
  configSchema: gatewayConfigSchema,
  async compose({ config, logger, lifecycle, adapters }) {
    const store = await adapters.documentStore(config, config.GATEWAY_DB_FILE, [...identityIndexes, ...auditIndexes], logger, lifecycle);
    const bus = await adapters.eventBus(config, "gateway", logger, lifecycle);
    const limiter = await openRateLimiter(config);
    lifecycle.onStop("rate limiter", () => limiter.close());
    const rateLimits = new GatewayRateLimits(limiter, {
      loginsPerUsername: config.RATE_LIMIT_LOGINS_PER_USERNAME,
      loginsPerAddress: config.RATE_LIMIT_LOGINS_PER_ADDRESS,
      loginWindowSeconds: config.RATE_LIMIT_LOGIN_WINDOW_SECONDS,
      requestsPerMinute: config.RATE_LIMIT_REQUESTS_PER_MINUTE,
      answersPerMinute: config.RATE_LIMIT_ANSWERS_PER_MINUTE,
      webhooksPerMinute: config.RATE_LIMIT_WEBHOOKS_PER_MINUTE,
    });
    const keys = await meshSigningKeys("gateway", config.GATEWAY_SIGNING_KEYS, config, "GATEWAY_SIGNING_KEYS");
    const service = createGateway({
      logger,
      http: { host: config.GATEWAY_HOST, port: config.GATEWAY_PORT },
      corsOrigins: config.CORS_ORIGINS,
      trustProxyHops: config.TRUST_PROXY_HOPS,
      rateLimits,
      addresses: {
        ingestion: config.INGESTION_ADDRESS,
        chat: config.CHAT_ADDRESS,
        toolRuntime: config.TOOL_RUNTIME_ADDRESS,
        llmProfiles: config.LLM_PROFILES_ADDRESS,
      },
      identity: await gatewayIdentity(
        store,
        keys,
        logger,
        config.LDAP_URL
          ? {
              url: config.LDAP_URL,
              bindDn: config.LDAP_BIND_DN!,
              bindPassword: config.LDAP_BIND_PASSWORD!,
              userBase: config.LDAP_USER_BASE!,
              usernameAttribute: config.LDAP_USERNAME_ATTRIBUTE,
              adminGroupDn: config.LDAP_ADMIN_GROUP_DN,
            }
          : undefined,
      ),
      root: { password: config.QAMESH_ROOT_PASSWORD, generatedPasswordFile: config.ROOT_PASSWORD_FILE },
      bus,
    });
    return { service };
  },
};
