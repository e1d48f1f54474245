import type { TokenKind } from "@qamesh/signed-tokens";

/** An access token for the public API: short-lived, used as `Authorization: Bearer`. */
export const accessTokens: TokenKind = { issuer: "qamesh", audience: "qamesh-api", type: "at+jwt", lifetimeSeconds: 900 };
