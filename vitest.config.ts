import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tests run against the TypeScript sources of the workspace packages, never a stale dist/.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    globalSetup: ["test/global-setup.ts"],
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    reporters: ["default"],
  },
});
