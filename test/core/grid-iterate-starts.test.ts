/**
 * Starts for the fitted dimension's solves interpolated from the grid's weights
 * (src/core/grid-iterate-starts.ts): the interpolation itself against closed forms, and on a cloud,
 * that the fit's values stay within their bounds of the exact engine while its solves take fewer
 * iterations than from the fit's own starts.
 */
import { describe, expect, it } from "vitest";
import { evaluateDimensionFit } from "../../src/core/dimension-fit-scales.js";
import type { MagnitudeEngine } from "../../src/core/engine.js";
import { exactEngine } from "../../src/core/exact-engine.js";
import { linearGrid } from "../../src/core/grid.js";
import { interpolatedStarts } from "../../src/core/grid-iterate-starts.js";
import { planProfile } from "../../src/core/profile.js";
import { uniformCloud } from "../helpers/clouds.js";

/** w_i(t) = a_i + b_i t + c_i t² + d_i t³ with coefficients depending on i. */
const cubic = (t: number) =>
  Float64Array.from({ length: 3 }, (_, i) => 1 + i - 2 * t + (i + 0.5) * t * t - 0.3 * t ** 3);
const linear = (t: number) => Float64Array.from({ length: 3 }, (_, i) => i - 3 * t);

function close(a: Float64Array | null, b: Float64Array, tol = 1e-12): void {
  expect(a).not.toBeNull();
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(a![i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

describe("interpolatedStarts", () => {
  // uneven nodes, t = 0 without weights (as a grid's first scale has none)
  const scales = Float64Array.from([0, 0.3, 0.5, 1, 1.2, 2, 2.5]);
  const cubicGrid = { scales, weights: Array.from(scales, (t, k) => (k === 0 ? null : cubic(t))) };

  it("reproduces a cubic in t exactly between nodes, at the ends of the run too", () => {
    for (const t of [0.31, 0.45, 0.7, 1.1, 1.9, 2.2, 2.49])
      close(interpolatedStarts(cubicGrid, Float64Array.of(t))[0]!, cubic(t));
  });

  it("returns a copy of the node's weights at a node", () => {
    const [s] = interpolatedStarts(cubicGrid, Float64Array.of(1));
    expect(s).not.toBe(cubicGrid.weights[3]);
    expect(Array.from(s!)).toEqual(Array.from(cubic(1)));
  });

  it("never extrapolates: null below the first node with weights, above the last, and across a gap", () => {
    const gap = { scales, weights: cubicGrid.weights.map((w, k) => (k === 4 ? null : w)) };
    expect(interpolatedStarts(cubicGrid, Float64Array.of(0.1, 2.6, 0))).toEqual([null, null, null]);
    expect(interpolatedStarts(gap, Float64Array.of(1.1, 1.5))).toEqual([null, null]);
  });

  it("falls back to the linear interpolant when fewer than four neighbouring nodes have weights", () => {
    const two = { scales, weights: Array.from(scales, (t, k) => (k === 2 || k === 3 ? linear(t) : null)) };
    close(interpolatedStarts(two, Float64Array.of(0.8))[0]!, linear(0.8));
  });
});

describe("the fitted dimension started from the grid's weights", () => {
  it("500 points in [0,1]^8: values within their bounds of the exact engine, fewer CG iterations", () => {
    const plan = planProfile(uniformCloud(500, 8, 11), { mode: "fast" });
    const { ctx } = plan.prep;
    const top = plan.tConv!;
    const grid = linearGrid(top, 30);
    const keep: (Float64Array | null)[] = [];
    plan.engine.evaluateScales(ctx, grid, { weights: false, warm: { keep } });
    let iterations = 0;
    const counting: MagnitudeEngine = {
      ...plan.engine,
      evaluateScales(c, s, o) {
        const r = plan.engine.evaluateScales(c, s, o);
        for (const x of r) iterations += x.info.iterations ?? 0;
        return r;
      },
    };
    const own = evaluateDimensionFit(ctx, counting, top);
    const ownIterations = iterations;
    iterations = 0;
    const started = evaluateDimensionFit(ctx, counting, top, {}, undefined, { scales: grid, weights: keep });
    // measured when written: 97 from the fit's own starts, 72 from the grid's
    expect(iterations).toBeLessThan(0.8 * ownIterations);
    expect(Array.from(started.scales)).toEqual(Array.from(own.scales));
    for (let k = 0; k < started.scales.length; k++) {
      const exact = exactEngine.evaluate(ctx, started.scales[k]!, { weights: false }).magnitude;
      const allowed = Math.max(1e-9 * exact, started.errorBound);
      expect(Math.abs(started.magnitude[k]! - exact), `t = ${started.scales[k]}`).toBeLessThanOrEqual(
        allowed,
      );
    }
    // the same fitted interval (its end magnitudes agree to the solves' accuracy, not bit for bit)
    expect(started.interval).not.toBeNull();
    const { magStart, magEnd, ...where } = started.interval!;
    const { magStart: ownStart, magEnd: ownEnd, ...ownWhere } = own.interval!;
    expect(where).toEqual(ownWhere);
    expect(Math.abs(magStart - ownStart)).toBeLessThanOrEqual(1e-9 * ownStart);
    expect(Math.abs(magEnd - ownEnd)).toBeLessThanOrEqual(1e-9 * ownEnd);
    expect(Math.abs(started.dimension - own.dimension)).toBeLessThanOrEqual(1e-9 * own.dimension);
  });
});
