/**
 * Issue 11: a read-only MLflow user (403 on every write) is an auth error: the sync stops with one
 * message and exit 2, not one failure per activation file and exit 1. The 403 is what MLflow's
 * auth app sends (mlflow/server/auth/__init__.py make_forbidden_response: plain text
 * "Permission denied", status 403); reads are allowed, as for a user with READ permission.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FakeMlflowServer, Fault } from "../adapters/mlflow/fake-server.js";
import { cli } from "../helpers/cli.js";
import { expectNoSecret } from "../helpers/secrets.js";
import { EXPERIMENT, lockFile, metricPoints, mlflowEnv, startMlflow } from "./helpers/mlflow-ops.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const forbidden = (path: string): Fault => ({
  method: "POST",
  path,
  status: 403,
  body: "Permission denied",
  contentType: "text/html; charset=utf-8",
  when: "before",
});

describe("a read-only MLflow user (403 on writes)", () => {
  it("one auth error, exit 2, no per-file failures, nothing written", async () => {
    const s: FakeMlflowServer = await startMlflow();
    cleanups.push(() => s.stop());
    for (const path of ["runs/set-tag", "runs/log-batch", "runs/delete-tag"]) {
      for (let i = 0; i < 100; i++) s.faults.push(forbidden(`/api/2.0/mlflow/${path}`));
    }
    const res = await cli(
      [
        "sync",
        "--tracker",
        "mlflow",
        "--experiment",
        EXPERIMENT,
        "--json",
        "--workers",
        "1",
        "--lock-file",
        await lockFile(),
      ],
      { env: mlflowEnv(s.url) },
    );
    expectNoSecret(res.stdout + res.stderr, "403 sync output");
    expect(res.code).toBe(2);
    const events = res.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === "file-failed")).toEqual([]);
    expect(events.filter((e) => e.type === "run-failed")).toEqual([]);
    const errors = res.stderr.split("\n").filter((l) => l.startsWith("magtrack:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("403");
    // Only the first write was tried: the sync stopped there.
    const writes = s.requests.filter((r) => r.method === "POST" && !r.path.endsWith("runs/search"));
    expect(writes).toHaveLength(1);
    expect(metricPoints(s)).toEqual([]);
  });
});
