/**
 * Fitted magnitude dimension: TAG23's Algorithm 1 (Andreeva et al., TAG-ML 2023, §5.1) — the slope of
 * a least-squares line through (log t, log Mag(tX)) over "the longest straight part" of the curve —
 * with the straight part chosen by a fixed rule instead of by hand, and recorded:
 *
 * 1. Eligible points: grid points with magLow ≤ Mag ≤ magHighFraction·n (default 2 and 0.95·n): below
 *    Mag ≈ 2 the curve is still bending up from Mag(0) = 1, above 0.95·n it saturates at n.
 * 2. Local slopes s_k = Δlog Mag / Δlog t between neighbouring eligible points.
 * 3. The interval: the longest run of consecutive local slopes whose spread max − min stays within
 *    tolerance = max(slopeTolerance, relativeTolerance·max s_k) (defaults 0.1 and 0.15); ties go to
 *    the run with the larger mean slope (the steep part is the straight one; the ends flatten).
 * 4. dimension = least-squares slope of log Mag on log t over the points of that run.
 *
 * Needs at least minPoints (default 3) eligible neighbouring points; otherwise dimension is NaN and
 * `reason` says why. The grid should be log-spaced (equal weight per decade in the fit); see
 * fitScales (src/core/dimension-fit-scales.ts) for the one computeProfile evaluates.
 */

export interface DimensionFitOptions {
  /** Lower end of the eligible magnitudes (default 2). */
  readonly magLow?: number;
  /** Upper end of the eligible magnitudes as a fraction of n (default 0.95). */
  readonly magHighFraction?: number;
  /** Absolute floor of the slope-spread tolerance (default 0.1). */
  readonly slopeTolerance?: number;
  /** Tolerance relative to the largest eligible local slope (default 0.15). */
  readonly relativeTolerance?: number;
  /** Fewest grid points a fitted interval may have (default 3, i.e. two local slopes). */
  readonly minPoints?: number;
}

export const DIMENSION_FIT_DEFAULTS: Required<DimensionFitOptions> = {
  magLow: 2,
  magHighFraction: 0.95,
  slopeTolerance: 0.1,
  relativeTolerance: 0.15,
  minPoints: 3,
};

export interface DimensionFit {
  /** Least-squares slope of log Mag on log t over the interval (NaN when no interval qualifies). */
  readonly dimension: number;
  /** The fitted interval [tStart, tEnd], its magnitudes and number of grid points (null with NaN). */
  readonly interval: {
    readonly tStart: number;
    readonly tEnd: number;
    readonly magStart: number;
    readonly magEnd: number;
    readonly points: number;
  } | null;
  /** The tolerance the slope spread was held to (absolute slope units). */
  readonly tolerance: number;
  /** Why dimension is NaN. */
  readonly reason?: string;
}

/** Least-squares slope of y on x over [i, j] (inclusive). */
function lsSlope(x: ArrayLike<number>, y: ArrayLike<number>, i: number, j: number): number {
  const m = j - i + 1;
  let sx = 0;
  let sy = 0;
  for (let k = i; k <= j; k++) {
    sx += x[k];
    sy += y[k];
  }
  const mx = sx / m;
  const my = sy / m;
  let sxy = 0;
  let sxx = 0;
  for (let k = i; k <= j; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) ** 2;
  }
  return sxy / sxx;
}

/**
 * The fitted dimension of a magnitude curve given on ascending positive scales `ts` (log-spaced
 * preferably), n = number of distinct points.
 */
export function fitDimension(
  ts: ArrayLike<number>,
  magnitude: ArrayLike<number>,
  n: number,
  options: DimensionFitOptions = {},
): DimensionFit {
  const o = { ...DIMENSION_FIT_DEFAULTS, ...options };
  const high = o.magHighFraction * n;
  // longest contiguous run of eligible points (Mag need not be monotone)
  let bestFrom = 0;
  let bestLen = 0;
  let from = -1;
  for (let k = 0; k <= ts.length; k++) {
    const ok =
      k < ts.length &&
      ts[k] > 0 &&
      Number.isFinite(magnitude[k]) &&
      magnitude[k] >= o.magLow &&
      magnitude[k] <= high;
    if (ok && from < 0) from = k;
    if (!ok && from >= 0) {
      if (k - from > bestLen) {
        bestLen = k - from;
        bestFrom = from;
      }
      from = -1;
    }
  }
  if (bestLen < o.minPoints) {
    return {
      dimension: Number.NaN,
      interval: null,
      tolerance: Number.NaN,
      reason: `${bestLen} neighbouring grid point(s) with ${o.magLow} ≤ Mag ≤ ${o.magHighFraction}·n (n = ${n}); the fit needs ${o.minPoints}`,
    };
  }
  const lx = new Float64Array(bestLen);
  const ly = new Float64Array(bestLen);
  for (let k = 0; k < bestLen; k++) {
    lx[k] = Math.log(ts[bestFrom + k]);
    ly[k] = Math.log(magnitude[bestFrom + k]);
  }
  const slopes = new Float64Array(bestLen - 1);
  let maxSlope = Number.NEGATIVE_INFINITY;
  for (let k = 0; k + 1 < bestLen; k++) {
    slopes[k] = (ly[k + 1] - ly[k]) / (lx[k + 1] - lx[k]);
    maxSlope = Math.max(maxSlope, slopes[k]);
  }
  const tolerance = Math.max(o.slopeTolerance, o.relativeTolerance * maxSlope);
  // longest window of slopes with spread ≤ tolerance (O(m²) over a few dozen slopes)
  let wFrom = 0;
  let wLen = 0;
  let wMean = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < slopes.length; i++) {
    let lo = slopes[i];
    let hi = slopes[i];
    let sum = 0;
    for (let j = i; j < slopes.length; j++) {
      lo = Math.min(lo, slopes[j]);
      hi = Math.max(hi, slopes[j]);
      if (hi - lo > tolerance) break;
      sum += slopes[j];
      const len = j - i + 1;
      const mean = sum / len;
      if (len > wLen || (len === wLen && mean > wMean)) {
        wFrom = i;
        wLen = len;
        wMean = mean;
      }
    }
  }
  const i = wFrom;
  const j = wFrom + wLen; // points i..j carry slopes i..j−1
  if (j - i + 1 < o.minPoints) {
    return {
      dimension: Number.NaN,
      interval: null,
      tolerance,
      reason: `no ${o.minPoints} neighbouring grid points whose local slopes agree within ${tolerance.toPrecision(3)}`,
    };
  }
  return {
    dimension: lsSlope(lx, ly, i, j),
    interval: {
      tStart: ts[bestFrom + i],
      tEnd: ts[bestFrom + j],
      magStart: magnitude[bestFrom + i],
      magEnd: magnitude[bestFrom + j],
      points: j - i + 1,
    },
    tolerance,
  };
}
