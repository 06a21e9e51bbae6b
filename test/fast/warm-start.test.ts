/**
 * Warm starts across clouds of the same rows (src/core/warm-start.ts): a drifting cloud's grid started
 * from the previous step's weights agrees with the cold start and with the exact engine within the
 * stated bounds; a warm start for other rows is ignored.
 */
import { describe, expect, it } from "vitest";
import { computeProfile, magnitudeFunction, type PointCloud } from "../../src/core/index.js";

/** n points on a ReLU-like drifting map of a fixed probe set: step s moves the map by s·1 %. */
function driftingCloud(n: number, d: number, step: number): PointCloud {
  let x = 7;
  const u = () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
  const probes = Float64Array.from({ length: n * 3 }, u);
  const W = Float64Array.from({ length: 3 * d }, u);
  const V = Float64Array.from({ length: 3 * d }, u);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += probes[i * 3 + k]! * (W[k * d + c]! + 0.01 * step * V[k * d + c]!);
      data[i * d + c] = Math.max(0, s + 0.1);
    }
  }
  return { data, n, d };
}

describe("warm starts across steps", () => {
  const n = 220;
  const anchor = computeProfile(driftingCloud(n, 6, 0), { mode: "fast", keepWarmStart: true });
  const T = anchor.tConv!;

  it("keeps one iterate per grid scale", () => {
    const w = anchor.warmStart!;
    expect(w.scales.length).toBe(anchor.scales.length);
    expect(w.weights.filter((x) => x !== null).length).toBeGreaterThan(20);
    expect(w.keptIndices.length).toBe(anchor.nDistinct);
  });

  it("warm and cold agree within their stated bounds, and with the exact engine within 1e-9 or the bound", () => {
    for (const step of [1, 5]) {
      const cloud = driftingCloud(n, 6, step);
      const cold = computeProfile(cloud, { mode: "fast", tMax: T });
      const warm = computeProfile(cloud, { mode: "fast", tMax: T, warmStart: anchor.warmStart! });
      const exact = magnitudeFunction(cloud, cold.scales, { mode: "exact" }).magnitude;
      let differs = false;
      for (let k = 0; k < cold.scales.length; k++) {
        const bw = warm.solveInfo[k]!.errorBound ?? 0;
        const bc = cold.solveInfo[k]!.errorBound ?? 0;
        const ref = exact[k]!;
        expect(Math.abs(warm.magnitude[k]! - ref)).toBeLessThanOrEqual(
          Math.max(1e-9 * ref, bw) * (1 + 1e-12),
        );
        expect(Math.abs(warm.magnitude[k]! - cold.magnitude[k]!)).toBeLessThanOrEqual(
          Math.max(2e-9 * ref, bw + bc) * (1 + 1e-12),
        );
        if (warm.magnitude[k] !== cold.magnitude[k]) differs = true;
      }
      // the warm start was really used: some iterate started elsewhere, so some value differs in its last bits
      expect(differs).toBe(true);
    }
  });

  it("is ignored for other rows (different de-duplicated points)", () => {
    const cloud = driftingCloud(n - 1, 6, 1);
    const cold = computeProfile(cloud, { mode: "fast", tMax: T });
    const warm = computeProfile(cloud, { mode: "fast", tMax: T, warmStart: anchor.warmStart! });
    expect(Array.from(warm.magnitude)).toEqual(Array.from(cold.magnitude));
  });
});
