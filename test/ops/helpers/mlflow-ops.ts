/** Shared setup of the operations tests against the stateful fake MLflow server. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { encodeNpy } from "../../../src/io/npy-write.js";
import { FakeMlflowServer, type SeedRunInput } from "../../adapters/mlflow/fake-server.js";
import { expectCloseResults } from "../../helpers/close-results.js";
import { OPS_MLFLOW_PASSWORD, OPS_MLFLOW_USER } from "../../helpers/secrets.js";
import { stepCloud } from "../../helpers/store.js";

export const EXPERIMENT = "magtrack-test";

/**
 * Metric points one run of opsRuns() gets once synced: 2 layers × 4 steps × 10 chart metrics (area,
 * area_raw, t_conv, dim, mag_T, diff_ref, and since the fitted dimension landed dim_fit,
 * dim_fit_points, dim_fit_t_start, dim_fit_t_end). The diagnostics (n_points, n_distinct,
 * error_bound) go to magnitude/diagnostics.json, not to metrics (adapters/mlflow/diagnostics.ts).
 */
export const POINTS_PER_RUN = 2 * 4 * 10;

/**
 * log-batch requests a first sync of one run sends before its metrics: its tags, then the settings
 * params it lacks (adapters/mlflow/write.ts). Fault tests that target "the next run's first write"
 * skip this many plus one per earlier run's metric chunk.
 */
export const LOG_BATCHES_PER_RUN = 3;

/** Runs with two layers and a few steps each: small clouds, so a whole sync takes about a second. */
export function opsRuns(count = 3, steps: readonly number[] = [0, 1, 2, 3]): SeedRunInput[] {
  return Array.from({ length: count }, (_, r) => {
    const files: Record<string, Uint8Array> = {};
    for (const layer of ["fc1", "fc2"]) {
      const seed = 7 + 13 * r + (layer === "fc2" ? 5 : 0);
      for (const s of steps)
        files[`activations/${layer}/step_${s}.npy`] = encodeNpy(stepCloud(seed, 24, 3, s), [24, 3]);
    }
    return { id: `run${r}`, status: "FINISHED", startTime: Date.UTC(2026, 0, 1 + r), files };
  });
}

export async function startMlflow(runs: readonly SeedRunInput[] = opsRuns()): Promise<FakeMlflowServer> {
  const server = new FakeMlflowServer();
  server.seed(runs);
  await server.start();
  return server;
}

/** Env of a CLI child: the tracker address and Basic credentials that must never be printed. */
export function mlflowEnv(url: string): Record<string, string> {
  return {
    MLFLOW_TRACKING_URI: url,
    MLFLOW_TRACKING_USERNAME: OPS_MLFLOW_USER,
    MLFLOW_TRACKING_PASSWORD: OPS_MLFLOW_PASSWORD,
  };
}

export async function lockFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "magtrack-ops-")), "sync.lock");
}

/** Every stored metric point as "run|key|step|value", sorted (NaN as "NaN"): a comparable multiset. */
export function metricPoints(server: FakeMlflowServer): string[] {
  const out: string[] = [];
  for (const run of server.runs.values()) {
    for (const m of run.metrics)
      out.push(`${run.runId}|${m.key}|${m.step}|${Number.isNaN(m.value) ? "NaN" : m.value}`);
  }
  return out.sort();
}

/**
 * `got` holds the same (run, key, step) points as `want`, each once, with values within 1e-9 relative
 * (syncs with different histories precondition differently: test/helpers/close-results.ts).
 * `subset`: `got` may hold fewer points (what a killed sync left).
 */
export function expectSamePoints(got: string[], want: string[], subset = false): void {
  const split = (p: string) => {
    const at = p.lastIndexOf("|");
    return [p.slice(0, at), p.slice(at + 1)] as const;
  };
  const wanted = new Map(want.map((p) => split(p)));
  const seen = new Set<string>();
  for (const p of got) {
    const [id, value] = split(p);
    expect(seen.has(id), `${id} stored twice`).toBe(false);
    seen.add(id);
    expect(wanted.has(id), `${id} is not in the clean result`).toBe(true);
    expectCloseResults(
      value === "NaN" ? Number.NaN : Number(value),
      Number(wanted.get(id) === "NaN" ? Number.NaN : wanted.get(id)),
      1e-9,
      id,
    );
  }
  if (!subset) expect(seen.size, "points").toBe(wanted.size);
}

/** Points stored more than once for the same (run, key, step). */
export function duplicatePoints(server: FakeMlflowServer): string[] {
  const seen = new Map<string, number>();
  for (const run of server.runs.values()) {
    for (const m of run.metrics) {
      const k = `${run.runId}|${m.key}|${m.step}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

/** Tags and artifact paths per run, without the lease tag (its owner and times differ per process). */
export function runShape(server: FakeMlflowServer): Record<string, { tags: string[]; artifacts: string[] }> {
  const out: Record<string, { tags: string[]; artifacts: string[] }> = {};
  for (const run of server.runs.values()) {
    out[run.runId] = {
      tags: [...run.tags]
        .filter(([k]) => k !== "magtrack.lease")
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
      artifacts: [...run.artifacts.keys()].sort(),
    };
  }
  return out;
}
