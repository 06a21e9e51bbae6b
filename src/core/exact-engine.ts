import type { DistanceContext, MagnitudeEngine } from "./engine.js";
import { type MagnitudeAtScale, magnitudeAtScale } from "./solve.js";
import { findTConv } from "./tconv.js";
import type { SolveInfo } from "./types.js";

/** Starting scale of the t_conv bracket: 1/median distance (where e^(−t·d) is "typical", ~e^−1). */
export function bracketStart(ctx: DistanceContext): number {
  const { median, min } = ctx.stats;
  if (median > 0 && Number.isFinite(median)) return 1 / median;
  if (min > 0 && Number.isFinite(min)) return 1 / min;
  return 1;
}

/** Dense solve at every scale (Cholesky, eigen fallback): exact up to rounding and conditioning. */
export const exactEngine: MagnitudeEngine = {
  mode: "exact",
  evaluate(ctx: DistanceContext, t: number, options: { weights: boolean }): MagnitudeAtScale {
    return magnitudeAtScale(ctx.D, ctx.n, t, options);
  },
  evaluateScales(ctx, scales, options) {
    return Array.from(scales, (t) => magnitudeAtScale(ctx.D, ctx.n, t, options));
  },
  tConv(ctx, q, rtol) {
    let usedEigen = false;
    const result = findTConv(
      (t) => {
        const r = magnitudeAtScale(ctx.D, ctx.n, t, { weights: false });
        if (r.info.solver === "eigen") usedEigen = true;
        return r.magnitude;
      },
      ctx.n,
      q,
      bracketStart(ctx),
      rtol,
    );
    const info: SolveInfo = { solver: usedEigen ? "eigen" : "cholesky", iterations: result.evaluations };
    return { ...result, info };
  },
};
