/** Trajectory-window metrics (src/trajectory): fixed-scale Mag against the exact engine and closed forms. */
import { describe, expect, it } from "vitest";
import { metricKey, parseMetricKey } from "../../src/adapter-kit.js";
import { magnitudeFunction, type PointCloud, pairwiseDistances } from "../../src/core/index.js";
import { representationWindow, slidingWindows } from "../../src/trajectory/representation-window.js";
import { fixedScaleName, TAG23_FIXED_SCALES, windowMetrics } from "../../src/trajectory/window-metrics.js";

/** MATH.md's LCG, u in [0, 1). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** A drifting random walk of n iterates in R^d (steps uniform in [−s, s]^d plus a drift). */
function walk(n: number, d: number, s: number, seed: number): PointCloud {
  const u = lcg(seed);
  const data = new Float64Array(n * d);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < d; j++)
      data[i * d + j] = data[(i - 1) * d + j] + s * (2 * u() - 1) + (j === 0 ? s / 4 : 0);
  }
  return { data, n, d };
}

describe("windowMetrics", () => {
  it("Mag at fixed scales equals the exact engine, rtol 1e-9 (300 iterates in R^64)", () => {
    const w = walk(300, 64, 0.05, 7);
    const scales = [...TAG23_FIXED_SCALES, 0.2, 3.3];
    const m = windowMetrics(w, { fixedScales: scales, mode: "fast" });
    const exact = magnitudeFunction(w, scales, { mode: "exact" });
    scales.forEach((t, i) => {
      const got = m[fixedScaleName(t)];
      expect(Math.abs(got - exact.magnitude[i]) / exact.magnitude[i]).toBeLessThan(1e-9);
    });
    expect(m.dim_fit).toBeGreaterThan(0);
    expect(m.dim_fit_t_start).toBeLessThan(m.dim_fit_t_end);
  });

  it("two iterates at distance d: mag_t = 2/(1 + e^(−t·d)) at TAG23's scales", () => {
    const d = 0.37;
    const w = { data: Float64Array.from([0, 0, 0, 0.6 * d, 0.8 * d, 0]), n: 2, d: 3 };
    const m = windowMetrics(w);
    for (const t of TAG23_FIXED_SCALES) {
      const closed = 2 / (1 + Math.exp(-t * d));
      expect(Math.abs(m[fixedScaleName(t)] - closed) / closed).toBeLessThan(1e-12);
    }
  });

  it("keys: trajectory/<layer>/<name> and reptraj/<layer>/<name>, parsed back to their parts", () => {
    expect(metricKey("all", "dim_fit", "trajectory")).toBe("trajectory/all/dim_fit");
    expect(metricKey("fc1", fixedScaleName(1.36), "reptraj")).toBe("reptraj/fc1/mag_t1.36");
    expect(parseMetricKey("reptraj/enc/block.1/mag_t1.36")).toEqual({
      family: "reptraj",
      layer: "enc/block.1",
      name: "mag_t1.36",
    });
    expect(parseMetricKey("magnitude/fc1/area")).toEqual({ family: "magnitude", layer: "fc1", name: "area" });
    expect(parseMetricKey("loss")).toBeNull();
    expect(parseMetricKey("train/fc1/area")).toBeNull();
  });
});

describe("representation windows", () => {
  it("one point per step; distances are the Frobenius distances between the steps' activations", () => {
    const a = walk(5, 3, 1, 1);
    const b = walk(5, 3, 1, 2);
    const c = walk(5, 3, 1, 3);
    const w = representationWindow([a, b, c]);
    expect([w.n, w.d]).toEqual([3, 15]);
    const D = pairwiseDistances(w, "euclidean");
    let fro = 0;
    for (let i = 0; i < 15; i++) fro += (a.data[i] - c.data[i]) ** 2;
    expect(Math.abs(D[2] - Math.sqrt(fro))).toBeLessThan(1e-12);
  });

  it("refuses steps of different shapes, naming the step", () => {
    expect(() => representationWindow([walk(5, 3, 1, 1), walk(4, 3, 1, 1)])).toThrow(/step 1 has 4×3/);
  });

  it("sliding windows of W steps end at every step from the W-th on", () => {
    expect(slidingWindows([30, 10, 20, 40, 20], 3)).toEqual([
      { step: 30, steps: [10, 20, 30] },
      { step: 40, steps: [20, 30, 40] },
    ]);
    expect(() => slidingWindows([1, 2], 1)).toThrow(/W = 1/);
  });
});
