/**
 * Issue 13 end to end on MLflow: a run on the in-process MLflow fake server (test/adapters/mlflow/
 * fake-server.ts, whose behaviour is cited there from the real 3.6 transcripts) logs a weight window
 * as the artifact trajectory/w/step_100.npy and three steps of activations/fc1/; `magtrack sync
 * --tracker mlflow` writes trajectory/w/… at step 100 and reptraj/fc1/… at steps 1 and 2 as run
 * metrics, checked against the two-point closed form Mag(tX) = 2 / (1 + e^(−t·r)) (Leinster 2013:
 * Z = [[1, e^(−tr)], [e^(−tr), 1]], Z⁻¹1 sums to 2/(1+e^(−tr))), as test/trajectory/sync-windows.test.ts
 * does on the local store. A second sync writes nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import { cli } from "../helpers/cli.js";
import { lcgUniform } from "../helpers/store.js";

let server: FakeMlflowServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const twoPoints = (t: number, r: number) => 2 / (1 + Math.exp(-t * r));
const SCALES = [1.36, 6.78];
/** Requests that change what the tracker holds (MLflow REST writes and artifact uploads). */
const isWrite = (r: { method: string; path: string }) => r.method !== "GET" && !r.path.endsWith("/search");

describe("trajectory windows synced to MLflow (fake server)", () => {
  it("trajectory/ and reptraj/ metrics at the windows' steps, the two-point closed form, a re-sync writes nothing", async () => {
    // Representation windows: fc1 at steps 0, 1, 2 is one cloud shifted by c_k in every coordinate,
    // so the Frobenius distance between steps j and k is |c_j − c_k|·√(n·d).
    const n = 10;
    const d = 2;
    const base = lcgUniform(7, n * d);
    const shifts = [0, 0.1, 0.3];
    const files: Record<string, Uint8Array> = {};
    for (const [step, c] of shifts.entries()) {
      files[`activations/fc1/step_${step}.npy`] = encodeNpy(
        base.map((v) => v + c),
        [n, d],
      );
    }
    // A weight window of two iterates at distance 0.5 (a 3-4-5 triangle scaled), logged as float32.
    files["trajectory/w/step_100.npy"] = encodeNpy(new Float32Array([0, 0, 0.3, 0.4]), [2, 2]);
    server = new FakeMlflowServer();
    server.seed([{ id: "run00", status: "FINISHED", startTime: Date.UTC(2026, 0, 1), files }]);
    const url = await server.start();
    const env = { MLFLOW_TRACKING_URI: url };
    const args = [
      "sync",
      "--tracker",
      "mlflow",
      "--experiment",
      "magtrack-test",
      "--reptraj-window",
      "2",
      "--fixed-scales",
      SCALES.join(","),
      "--workers",
      "1",
      "--json",
    ];
    const first = await cli(args, { env });
    expect(first.code, first.stderr).toBe(0);

    const metrics = server.runs.get("run00")!.metrics;
    const at = (key: string) =>
      metrics
        .filter((m) => m.key === key)
        .map((m) => [m.step, m.value])
        .sort((a, b) => a[0]! - b[0]!);
    // The weight window: its step is the file's, 100; the float32 file holds 0.3 and 0.4 to 1e-8, so the
    // distance is 0.5 to ~1e-8 and Mag to ~1e-9.
    for (const t of SCALES) {
      const got = at(`trajectory/w/mag_t${t}`);
      expect(got.map(([s]) => s)).toEqual([100]);
      expect(got[0]![1]!).toBeCloseTo(twoPoints(t, 0.5), 7);
    }
    // The representation windows end at steps 1 and 2: distances 0.1·√(n·d) and 0.2·√(n·d).
    const r1 = 0.1 * Math.sqrt(n * d);
    const r2 = 0.2 * Math.sqrt(n * d);
    for (const t of SCALES) {
      const got = at(`reptraj/fc1/mag_t${t}`);
      expect(got.map(([s]) => s)).toEqual([1, 2]);
      expect(got[0]![1]!).toBeCloseTo(twoPoints(t, r1), 9);
      expect(got[1]![1]!).toBeCloseTo(twoPoints(t, r2), 9);
    }
    // The window metrics a chart shows are there as well, once per window.
    for (const name of ["area", "t_conv", "dim"]) {
      expect(at(`trajectory/w/${name}`).map(([s]) => s)).toEqual([100]);
      expect(at(`reptraj/fc1/${name}`).map(([s]) => s)).toEqual([1, 2]);
    }
    // Every metric key is written once per step: nothing duplicated.
    const ids = metrics.map((m) => `${m.key}@${m.step}`);
    expect(new Set(ids).size).toBe(ids.length);

    // Re-running is harmless: no write request, the run exactly as it was.
    const snapshot = JSON.stringify(server.snapshot());
    const writesBefore = server.requests.filter(isWrite).length;
    expect(server.requestsTo("/api/2.0/mlflow/runs/log-batch").length).toBeGreaterThan(0); // isWrite sees writes
    const second = await cli(args, { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('"step-done"');
    expect(server.requests.filter(isWrite).length).toBe(writesBefore);
    expect(JSON.stringify(server.snapshot())).toBe(snapshot);
  });
});
