import { defineConfig } from "vitest/config";

/**
 * Two tiers. `unit`: tests next to the code (`src/**\/*.test.ts`), which need no server and
 * run in seconds (`npm run test:unit`). `integration`: everything under `test/`, which boots
 * real processes and, for the distributed-mode suites, Kafka, MongoDB (FerretDB) and Chroma,
 * started once by the global setup. `npm test` runs both.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native engines (SQLite, LanceDB) run in forked processes, not worker threads.
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "scripts/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "services/*/test/**/*.test.ts", "deploy/test/**/*.test.ts"],
          globalSetup: ["scripts/servers/vitest-global-setup.ts"],
        },
      },
    ],
  },
});
