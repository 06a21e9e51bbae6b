/**
 * The log-spaced evaluation behind the fitted dimension (src/core/dimension-fit.ts). The layer's grid
 * (30 linear points on [0, T]) spans barely 1.5 decades of t, too few for a log–log fit, so the fit
 * evaluates its own scales with the same engine:
 *
 *   t_k = tTop · 10^(−k / pointsPerDecade),  k = 0, 1, 2, …
 *
 * descending one decade at a time from tTop (t_conv(0.95) or the pinned T) until Mag < magLow (the
 * fit's lower end, 2) or maxDecades (10) decades are done. Cost: pointsPerDecade (8) evaluations per
 * decade the curve needs to fall from ≈0.95·n to 2; about log10(t_conv / t_2)·8 + 1 solves, where
 * t_2 is the scale at which Mag = 2 (e.g. 25 for 1000 points on a segment, ≈12 for a filled cube).
 */
import {
  DIMENSION_FIT_DEFAULTS,
  type DimensionFit,
  type DimensionFitOptions,
  fitDimension,
} from "./dimension-fit.js";
import type { DistanceContext, MagnitudeEngine } from "./engine.js";
import type { SolveInfo } from "./types.js";

export interface FitScaleOptions extends DimensionFitOptions {
  readonly pointsPerDecade?: number;
  readonly maxDecades?: number;
}

export interface EvaluatedDimensionFit extends DimensionFit {
  /** The scales evaluated (ascending) and Mag there; what the fit saw. */
  readonly scales: Float64Array;
  readonly magnitude: Float64Array;
  /** Largest error bound any evaluation stated (0 for factorisations). */
  readonly errorBound: number;
  readonly evaluations: number;
}

/** Evaluate the log-spaced fit scales below tTop on a prepared cloud and fit the dimension. */
export function evaluateDimensionFit(
  ctx: DistanceContext,
  engine: MagnitudeEngine,
  tTop: number,
  options: FitScaleOptions = {},
): EvaluatedDimensionFit {
  const perDecade = options.pointsPerDecade ?? 8;
  const maxDecades = options.maxDecades ?? 10;
  const magLow = options.magLow ?? DIMENSION_FIT_DEFAULTS.magLow;
  const ts: number[] = [];
  const mags: number[] = [];
  const infos: SolveInfo[] = [];
  if (ctx.n > 1 && tTop > 0 && Number.isFinite(tTop)) {
    for (let decade = 0; decade < maxDecades; decade++) {
      // this decade's scales, ascending (engines warm-start upwards)
      const first = decade === 0 ? 0 : 1;
      const chunk = new Float64Array(perDecade + 1 - first);
      for (let k = first; k <= perDecade; k++) {
        chunk[perDecade - k] = tTop * 10 ** (-(decade * perDecade + k) / perDecade);
      }
      const r = engine.evaluateScales(ctx, chunk, { weights: false });
      for (let k = r.length - 1; k >= 0; k--) {
        ts.push(chunk[k]);
        mags.push(r[k].magnitude);
        infos.push(r[k].info);
      }
      if (r[0].magnitude < magLow) break;
    }
  }
  ts.reverse();
  mags.reverse();
  const scales = Float64Array.from(ts);
  const magnitude = Float64Array.from(mags);
  const fit = fitDimension(scales, magnitude, ctx.n, options);
  const errorBound = infos.reduce((m, s) => Math.max(m, s.errorBound ?? 0), 0);
  return { ...fit, scales, magnitude, errorBound, evaluations: ts.length };
}
