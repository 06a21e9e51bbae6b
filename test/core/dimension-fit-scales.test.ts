/**
 * The fit's scales below its first decade (src/core/dimension-fit-scales.ts): only as many as it
 * takes to reach Mag < magLow, and the fit they give is the fit of the whole-decade evaluation the
 * function did before (all scales t_k = tTop·10^(−k/8) down to a decade past the top one).
 */
import { describe, expect, it } from "vitest";
import { fitDimension } from "../../src/core/dimension-fit.js";
import { evaluateDimensionFit } from "../../src/core/dimension-fit-scales.js";
import { planProfile } from "../../src/core/profile.js";
import { uniformCloud } from "../helpers/clouds.js";

describe("dimension-fit scales below the first decade", () => {
  for (const [n, d] of [
    [400, 3],
    [300, 8],
  ] as const) {
    it(`${n} points in [0,1]^${d}: at most two scales under Mag = 2, and the whole-decade fit`, () => {
      const plan = planProfile(uniformCloud(n, d, 7 + d), { mode: "fast" });
      const top = plan.tConv!;
      const r = evaluateDimensionFit(plan.prep.ctx, plan.engine, top);
      const below = Array.from(r.magnitude).filter((m) => m < 2).length;
      expect(below).toBeGreaterThanOrEqual(1); // it went down to Mag < 2
      expect(below).toBeLessThanOrEqual(2);

      // the evaluation before: every scale down to the end of the decade holding Mag < 2
      const lastK = r.evaluations - 1;
      const decadeEnd = Math.ceil(lastK / 8) * 8;
      const all = Float64Array.from({ length: decadeEnd + 1 }, (_, k) => top * 10 ** (-(decadeEnd - k) / 8));
      const mags = Float64Array.from(
        plan.engine.evaluateScales(plan.prep.ctx, all, { weights: false }),
        (s) => s.magnitude,
      );
      expect(Array.from(mags).filter((m) => m < 2).length).toBeGreaterThan(below); // it saved solves
      const before = fitDimension(all, mags, n);
      expect(r.interval).not.toBeNull();
      expect(r.interval!.points).toBe(before.interval!.points);
      expect(r.interval!.tStart).toBe(before.interval!.tStart);
      expect(r.interval!.tEnd).toBe(before.interval!.tEnd);
      expect(Math.abs(r.dimension - before.dimension)).toBeLessThanOrEqual(1e-9 * before.dimension);
    });
  }
});
