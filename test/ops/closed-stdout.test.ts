/**
 * A closed stdout (`magtrack sync --json | head -1`, a log reader that went away) is a reason to stop
 * early, cleanly: no stack trace, no unhandled 'error' event, the lock file and the run leases are
 * released, exit 141 (EXIT_OUTPUT_CLOSED, src/cli/closed-output.ts), and the next sync completes the
 * work without duplicating a point.
 */
import { access } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { LEASE_TAG } from "../../adapters/mlflow/lease.js";
import { EXIT_OUTPUT_CLOSED } from "../../src/cli/exit-codes.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { cli } from "../helpers/cli.js";
import { expectNoSecret } from "../helpers/secrets.js";
import { makeStore } from "../helpers/store.js";
import { ndjsonEvents, startCli } from "./helpers/child-cli.js";
import { KillProxy } from "./helpers/kill-proxy.js";
import {
  duplicatePoints,
  EXPERIMENT,
  lockFile,
  metricPoints,
  mlflowEnv,
  POINTS_PER_RUN,
  startMlflow,
} from "./helpers/mlflow-ops.js";

const TEST_TIMEOUT = timeoutFor(await childStartMs(), 40);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** What an unhandled 'error' event or an uncaught exception prints. */
function expectNoCrash(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain("Unhandled");
  expect(stderr).not.toContain("EPIPE\n    at");
}

describe("stdout closed by its reader", () => {
  it(
    "sync --json | head -1 against MLflow: stops early, exit 141, lock and leases released, the next sync completes",
    async () => {
      const server = await startMlflow();
      const proxy = new KillProxy(server.url);
      await proxy.start();
      cleanups.push(async () => {
        await proxy.stop();
        await server.stop();
      });
      // Downloads of activation files wait until the reader has gone, so the child is mid-run (its
      // first run's lease claimed, nothing computed) when its next write meets the closed pipe.
      let readerClosed!: () => void;
      const closed = new Promise<void>((resolve) => {
        readerClosed = resolve;
      });
      proxy.hold = (r) => (r.path.includes("/mlflow-artifacts/artifacts/") ? closed : null);
      const lock = await lockFile();
      const run = startCli(
        ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json", "--lock-file", lock],
        mlflowEnv(proxy.url),
      );
      // The reader of `| head -1`: the first line, then close.
      let firstLine = "";
      const stdout = run.child.stdout!;
      stdout.on("data", (t: string) => {
        if (firstLine !== "" || !t.includes("\n")) return;
        firstLine = t.slice(0, t.indexOf("\n"));
        stdout.destroy();
      });
      stdout.on("close", () => readerClosed());
      const result = await run.done;
      expectNoSecret(result.stdout + result.stderr, "closed-stdout sync");
      expect(JSON.parse(firstLine)).toMatchObject({ type: "run-start", run: "run0" });
      expectNoCrash(result.stderr);
      expect(result.stderr).toContain("stdout closed (EPIPE), stopping after the current file");
      expect(result.code, result.stderr).toBe(EXIT_OUTPUT_CLOSED);
      expect(await exists(lock)).toBe(false);
      // The claimed lease was deleted on the way out: no run keeps the tag.
      expect(server.requests.some((r) => r.path.endsWith("runs/delete-tag"))).toBe(true);
      for (const id of ["run0", "run1", "run2"]) expect(server.runs.get(id)!.tags.has(LEASE_TAG)).toBe(false);
      // It stopped early: not every point is there yet.
      expect(metricPoints(server).length).toBeLessThan(3 * POINTS_PER_RUN);

      const next = await cli(
        ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json", "--lock-file", lock],
        { env: mlflowEnv(server.url) },
      );
      expect(next.code, next.stderr).toBe(0);
      expect(ndjsonEvents(next.stdout).at(-1)).toMatchObject({ type: "summary", failed: 0, deferred: 0 });
      expect(duplicatePoints(server)).toEqual([]);
      expect(metricPoints(server)).toHaveLength(3 * POINTS_PER_RUN);
    },
    TEST_TIMEOUT,
  );

  it(
    "the human reporter with stdout closed before the summary: no stack trace, exit 141, lock released, next sync fine",
    async () => {
      const root = await makeStore({ runs: { "run-a": { layers: { fc1: [0, 1] } } }, n: 20, d: 3 });
      const lock = await lockFile();
      const run = startCli(["sync", "--root", root, "--lock-file", lock], {});
      run.child.stdout!.destroy(); // a reader that is gone before anything was written
      const result = await run.done;
      expectNoCrash(result.stderr);
      expect(result.stderr).toContain("stdout closed (EPIPE)");
      expect(result.code, result.stderr).toBe(EXIT_OUTPUT_CLOSED);
      expect(await exists(lock)).toBe(false);
      const next = await cli(["sync", "--root", root, "--lock-file", lock]);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout).toContain("1 unchanged");
      expect(next.stdout).toContain("nothing new to write");
    },
    TEST_TIMEOUT,
  );
});
