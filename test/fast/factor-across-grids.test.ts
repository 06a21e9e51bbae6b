/**
 * Issue 16: a second grid on the same cloud (the dimension fit after the layer's grid) preconditions
 * its small scales with the f32 factor the first grid left in the workspace, instead of factorising
 * again (at 2000 × 512 the fit's lowest scale lay 8 % below the grid's factor, and its fresh factor
 * cost 110–127 ms). Values stay within 1e-9 relative of the exact engine or within their stated bound.
 */
import { describe, expect, it } from "vitest";
import { driftingRun } from "../../bench/drifting-clouds.js";
import type { FastSolveInfo } from "../../src/core/fast/scale-solve.js";
import { computeProfile, engineFor, offDiagonalStats, pairwiseDistances } from "../../src/core/index.js";
import type { MagnitudeAtScale } from "../../src/core/solve.js";
import type { PointCloud } from "../../src/core/types.js";

function cloud(n: number): PointCloud {
  const [, layers] = driftingRun({ n, steps: 1, drift: 0.01, seed: 5 }).next().value!;
  return { n, d: 64, data: layers.h2 };
}

const fastEngine = engineFor("fast");
const exactEngine = engineFor("exact");

const factorisations = (rs: MagnitudeAtScale[]) =>
  rs.reduce((s, r) => s + ((r.info as FastSolveInfo).factorisations ?? 0), 0);
const preconditioned = (rs: MagnitudeAtScale[]) =>
  rs.filter((r) => r.info.solver === "cg-preconditioned").length;

describe("the f32 factor carried from one grid of a cloud to the next", () => {
  it("a second grid just below the first one's factor scale reuses it, within bounds of the exact engine", () => {
    const points = cloud(400);
    const T = computeProfile(points, { mode: "fast" }).tConv!;
    const ctx = fastEngine.distances!(points, "euclidean")!;
    const t1 = T / 29;
    const first = fastEngine.evaluateScales(ctx, Float64Array.from([0, t1, 2 * t1, 3 * t1]), {
      weights: false,
    });
    expect(factorisations(first)).toBe(1); // the small scales needed a factor: the case under test
    const below = Float64Array.from([0.92 * t1, 1.2 * t1, 1.6 * t1]);
    const second = fastEngine.evaluateScales(ctx, below, { weights: false });
    expect(preconditioned(second)).toBeGreaterThan(0);
    expect(factorisations(second)).toBe(0);
    const D = pairwiseDistances(points, "euclidean");
    const exactCtx = { D, n: points.n, stats: offDiagonalStats(D, points.n) };
    below.forEach((t, k) => {
      const exact = exactEngine.evaluate(exactCtx, t, { weights: false }).magnitude;
      const allowed = Math.max(1e-9 * exact, second[k]!.info.errorBound ?? 0);
      expect(Math.abs(second[k]!.magnitude - exact), `t = ${t}`).toBeLessThanOrEqual(allowed);
    });
  });
});
