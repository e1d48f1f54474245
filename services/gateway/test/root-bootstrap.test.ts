import { join } from "node:path";
import { generateSigningKeys } from "@qamesh/signed-tokens";
import { createLogger } from "@qamesh/logger";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { temporaryDirectory } from "@qamesh/testkit";
import { describe, expect, it } from "vitest";
import { bootstrapRoot, gatewayIdentity } from "../src/identity.js";

describe("the first administrator", () => {
  it("is created once when several gateway replicas start together on an empty store, and none fails", async () => {
    const directory = await temporaryDirectory("bootstrap");
    const store = SqliteDocumentStore.open(join(directory.path, "gateway.sqlite"));
    try {
      const logger = createLogger({ service: "test", level: "silent" });
      const identity = await gatewayIdentity(store, await generateSigningKeys(), logger);
      const replicas = Array.from({ length: 3 }, () => bootstrapRoot(identity, { password: "the-root-password-1", logger }));
      await expect(Promise.all(replicas)).resolves.toHaveLength(3);
      expect((await identity.users.list({ size: 10, token: "" })).items.map((user) => user.username)).toEqual(["root"]);
      expect(await identity.users.withPassword("root", "the-root-password-1")).toBeDefined();
    } finally {
      await store.close();
      await directory.remove();
    }
  });
});
