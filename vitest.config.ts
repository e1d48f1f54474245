import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "services/*/test/**/*.test.ts", "deploy/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native engines (SQLite, LanceDB) run in forked processes, not worker threads.
    pool: "forks",
    // Kafka, MongoDB (FerretDB) and Chroma for the distributed-mode suites.
    globalSetup: ["scripts/servers/vitest-global-setup.ts"],
  },
});
