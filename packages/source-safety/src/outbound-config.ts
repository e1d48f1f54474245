import { z } from "zod";
import { OutboundPolicy, parseNetworkList } from "./outbound-policy.js";

/** The deployment's say on what the server may fetch from, for every service that fetches. */
export const outboundConfigShape = {
  /**
   * Comma-separated CIDRs the server may fetch from besides public addresses, such as an
   * on-premise git server's network ("10.20.0.0/16"); none by default.
   */
  OUTBOUND_ALLOWED_NETWORKS: z
    .string()
    .default("")
    .superRefine((value, context) => {
      try {
        parseNetworkList(value);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .transform(parseNetworkList),
};

export const outboundPolicyFromConfig = (config: { OUTBOUND_ALLOWED_NETWORKS: readonly string[] }) => new OutboundPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
