/** Sync's per-(layer, step) metrics carry dim_fit and its interval (src/sync/dimension-fit-metrics.ts). */
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/sync/settings.js";
import { computeStep } from "../../src/sync/step-result.js";

describe("computeStep writes dim_fit", () => {
  it("300 equispaced points on a segment: dim_fit in [0.9, 1], interval inside Mag ∈ [2, 0.95·n]", async () => {
    const n = 300;
    const h = 1 / (n - 1);
    const cloud = { data: Float64Array.from({ length: n }, (_, i) => i * h), n, d: 1 };
    const { profile, result } = await computeStep(
      cloud,
      { run: "r", layer: "x", step: 1 },
      DEFAULT_SETTINGS,
      undefined,
    );
    const m = result.metrics;
    expect(m.dim_fit).toBe(profile.dimensionFit!.dimension);
    expect(m.dim_fit).toBeGreaterThan(0.9);
    expect(m.dim_fit).toBeLessThanOrEqual(1);
    // sorted points on a line: Mag(tX) = 1 + Σ tanh(t·gap/2); the interval's ends must satisfy 2 ≤ Mag ≤ 0.95·n
    const closed = (t: number) => 1 + (n - 1) * Math.tanh((t * h) / 2);
    expect(closed(m.dim_fit_t_start)).toBeGreaterThanOrEqual(2);
    expect(closed(m.dim_fit_t_end)).toBeLessThanOrEqual(0.95 * n);
    expect(m.dim_fit_points).toBeGreaterThanOrEqual(3);
  });
});
