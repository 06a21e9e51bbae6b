import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Network tests talk only to 127.0.0.1 (in-process fake servers and nock).
    env: { NO_PROXY: "127.0.0.1,localhost" },
  },
});
