/**
 * SIGTERM (what Kubernetes sends) during a sync against MLflow, while a request is held by the
 * server: the process stops at the file boundary, exits 3 (EXIT_STOPPED_EARLY: stopped with work
 * left and nothing failed, docs/operations.md), removes its lock file and deletes the run lease it
 * claimed (runs/delete-tag seen by the fake), so a sync from another host right after is not
 * deferred and completes the work without duplicating a point.
 */
import { access } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../adapters/mlflow/index.js";
import { LEASE_TAG } from "../../adapters/mlflow/lease.js";
import { EXIT_STOPPED_EARLY } from "../../src/cli/exit-codes.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { type ComputeSettings, DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { expectNoSecret, OPS_MLFLOW_PASSWORD, OPS_MLFLOW_USER } from "../helpers/secrets.js";
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

const TEST_TIMEOUT = timeoutFor(await childStartMs(), 20);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("SIGTERM during a sync against MLflow", () => {
  it(
    "with a request held: exit 3, lock file removed, lease tag deleted, another host's sync is not deferred",
    async () => {
      const server = await startMlflow();
      const proxy = new KillProxy(server.url);
      await proxy.start();
      cleanups.push(async () => {
        await proxy.stop();
        await server.stop();
      });
      // The first activation download is held until the child has taken the signal: the run's
      // lease is claimed by then (the claim precedes the first read), nothing is computed yet.
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let heldOne!: () => void;
      const held = new Promise<void>((resolve) => {
        heldOne = resolve;
      });
      proxy.hold = (r) => {
        if (!r.path.includes("/mlflow-artifacts/artifacts/")) return null;
        heldOne();
        return released;
      };
      const lock = await lockFile();
      const run = startCli(
        ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json", "--lock-file", lock],
        mlflowEnv(proxy.url),
      );
      await held;
      expect(server.runs.get("run0")!.tags.has(LEASE_TAG)).toBe(true); // claimed while the request hangs
      let stderr = "";
      const signalled = new Promise<void>((resolve) => {
        run.child.stderr!.on("data", (t: string) => {
          stderr += t;
          if (stderr.includes("SIGTERM received")) resolve();
        });
      });
      run.child.kill("SIGTERM");
      await signalled;
      release();
      const result = await run.done;
      expectNoSecret(result.stdout + result.stderr, "SIGTERM sync");
      expect(result.code, result.stderr).toBe(EXIT_STOPPED_EARLY);
      expect(result.signal).toBeNull(); // it exited by itself, not killed by the signal
      expect(ndjsonEvents(result.stdout).at(-1)).toMatchObject({
        type: "summary",
        failed: 0,
        stoppedEarly: "SIGTERM received",
      });
      expect(await exists(lock)).toBe(false);
      const deletes = server.requests.filter((r) => r.path.endsWith("runs/delete-tag"));
      expect(deletes.map((r) => r.body)).toContainEqual({ run_id: "run0", key: LEASE_TAG });
      for (const id of ["run0", "run1", "run2"]) expect(server.runs.get(id)!.tags.has(LEASE_TAG)).toBe(false);
      expect(metricPoints(server).length).toBeLessThan(3 * POINTS_PER_RUN);

      // Another host: a lease of this process left behind would block it (live pid assumed, foreign
      // host, not expired) and the run would be deferred.
      const settings: ComputeSettings = { ...DEFAULT_SETTINGS };
      const summary = await syncRuns({
        adapter: createMlflowAdapter({
          trackingUri: server.url,
          auth: { type: "basic", username: OPS_MLFLOW_USER, password: OPS_MLFLOW_PASSWORD },
          experimentName: EXPERIMENT,
          warn: () => {},
        }),
        runFilter: {},
        settings,
        settingsRecord: settingsRecord(settings, "test"),
        emit: () => {},
        lease: {
          owner: { owner: "worker-b:200:bbbb", host: "worker-b", pid: 200 },
          settleMs: 0,
          processAlive: () => true,
        },
      });
      expect(summary).toMatchObject({ runs: 3, deferred: 0, failed: 0 });
      expect(duplicatePoints(server)).toEqual([]);
      expect(metricPoints(server)).toHaveLength(3 * POINTS_PER_RUN);
    },
    TEST_TIMEOUT,
  );
});
