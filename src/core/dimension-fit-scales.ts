/**
 * The log-spaced evaluation behind the fitted dimension (src/core/dimension-fit.ts). The layer's grid
 * (30 linear points on [0, T]) spans barely 1.5 decades of t, too few for a log–log fit, so the fit
 * evaluates its own scales with the same engine:
 *
 *   t_k = tTop · 10^(−k / pointsPerDecade),  k = 0, 1, 2, …
 *
 * descending from tTop (t_conv(0.95) or the pinned T) until the first scale with Mag < magLow (the
 * fit's lower end, 2) or maxDecades (10) decades are done. The first decade is one ascending pass
 * (engines warm-start upwards); below it the scales come in chunks (at most a
 * decade, sized by scalesToMagLow to reach Mag < magLow), each evaluated ascending. The fit uses only points with
 * Mag ≥ magLow, so what lies below the first Mag < magLow is not needed. Until 2026-12 the second
 * decade was evaluated whole: 8 solves at the smallest, worst-conditioned scales, 45 % of the fit on
 * the 1000 × 64 drifting ReLU clouds of bench/, of which 4–5 lay below Mag = 2; now 5 solves there
 * (fit 136–143 → 116–118 ms per cloud; same interval and dimension).
 * Cost: about log10(t_conv / t_2)·8 + 1 solves plus at most one chunk past t_2, where t_2 is the
 * scale at which Mag = 2 (e.g. 25 for 1000 points on a segment, ≈12 for a filled cube).
 */
import {
  DIMENSION_FIT_DEFAULTS,
  type DimensionFit,
  type DimensionFitOptions,
  fitDimension,
} from "./dimension-fit.js";
import type { DistanceContext, MagnitudeEngine } from "./engine.js";
import { type GridIterates, interpolatedStarts } from "./grid-iterate-starts.js";
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

/**
 * How many scales the next chunk down takes: enough to reach Mag < magLow by extrapolating
 * log(Mag − 1) linearly in log t from the last two scales, plus one. Near t = 0, Mag(tX) − 1 grows
 * like t (its log–log slope tends to 1 from above as t falls), so the extrapolated slope is steeper
 * than the true one and the estimate errs short; the extra scale absorbs most of that, and a short
 * chunk is followed by another. Capped at a decade; a decade when the extrapolation is undefined.
 */
function scalesToMagLow(mags: readonly number[], magLow: number, perDecade: number): number {
  const lower = (mags[mags.length - 1] ?? Number.NaN) - 1;
  const upper = (mags[mags.length - 2] ?? Number.NaN) - 1;
  const perStep = Math.log(lower / upper); // < 0: log(Mag − 1) per scale step down
  const needed = Math.log((magLow - 1) / lower) / perStep;
  if (!(lower > 0 && upper > 0 && perStep < 0 && needed >= 0)) return perDecade;
  return Math.min(perDecade, Math.max(1, Math.ceil(needed) + 1));
}

/**
 * Evaluate the log-spaced fit scales below tTop on a prepared cloud and fit the dimension; `sequence`
 * as for the engine's evaluateScales (ProfileOptions.sequence); `grid`: the weights of a grid already
 * solved on this cloud (in the same units as tTop), whose interpolation starts the fit's solves
 * (src/core/grid-iterate-starts.ts).
 */
export function evaluateDimensionFit(
  ctx: DistanceContext,
  engine: MagnitudeEngine,
  tTop: number,
  options: FitScaleOptions = {},
  sequence?: string,
  grid?: GridIterates,
): EvaluatedDimensionFit {
  const perDecade = options.pointsPerDecade ?? 8;
  const maxDecades = options.maxDecades ?? 10;
  const magLow = options.magLow ?? DIMENSION_FIT_DEFAULTS.magLow;
  const ts: number[] = [];
  const mags: number[] = [];
  const infos: SolveInfo[] = [];
  if (ctx.n > 1 && tTop > 0 && Number.isFinite(tTop)) {
    const last = maxDecades * perDecade; // t_k for k = 0 … last
    let k = 0; // the next scale down to evaluate
    let chunkSize = perDecade + 1; // the first decade, tTop included, in one pass
    while (k <= last) {
      const count = Math.min(chunkSize, last - k + 1);
      // this chunk's scales t_k … t_{k+count−1}, ascending (engines warm-start upwards)
      const chunk = new Float64Array(count);
      for (let j = 0; j < count; j++) chunk[count - 1 - j] = tTop * 10 ** (-(k + j) / perDecade);
      const starts = grid === undefined ? undefined : interpolatedStarts(grid, chunk);
      const r = engine.evaluateScales(ctx, chunk, {
        weights: false,
        ...(sequence === undefined ? {} : { sequence }),
        ...(starts?.some((s) => s !== null) ? { warm: { starts, interpolated: true } } : {}),
      });
      for (let j = r.length - 1; j >= 0; j--) {
        ts.push(chunk[j]);
        mags.push(r[j].magnitude);
        infos.push(r[j].info);
      }
      k += count;
      if (r[0].magnitude < magLow) break;
      chunkSize = scalesToMagLow(mags, magLow, perDecade);
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
