import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker per core less one: on CI's 2 cores that is ONE worker, and the
    // suite ran serially (295 s of tests, 395 s wall, measured 2026-12-04). Most long files wait on
    // child processes and fake servers, not the CPU, so two workers overlap them; budgets of the
    // CPU-bound files scale with the machine's speed (test/helpers/baseline.ts).
    maxWorkers: 2,
    // Network tests talk only to 127.0.0.1 (in-process fake servers and nock).
    env: { NO_PROXY: "127.0.0.1,localhost" },
  },
});
