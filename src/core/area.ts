import { InputError } from "./errors.js";

/** Trapezoid rule Σ (t_{i+1} − t_i)(y_i + y_{i+1})/2 (numpy.trapz). */
export function trapezoid(ts: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (ts.length !== ys.length) {
    throw new InputError("area-length", `trapezoid: ${ts.length} scales but ${ys.length} values`);
  }
  let s = 0;
  for (let i = 0; i + 1 < ts.length; i++) s += ((ts[i + 1] - ts[i]) * (ys[i] + ys[i + 1])) / 2;
  return s;
}

/** MagArea = ∫_0^T Mag(tX) dt by the trapezoid rule on the grid (magnipy MagArea, scale=False). */
export function magArea(ts: ArrayLike<number>, magnitude: ArrayLike<number>): number {
  return trapezoid(ts, magnitude);
}

/** MagArea / T with T = last scale (magnipy's default `scale=True`). */
export function magAreaScaled(ts: ArrayLike<number>, magnitude: ArrayLike<number>): number {
  return trapezoid(ts, magnitude) / ts[ts.length - 1];
}

/**
 * MagDiff(X, Y) = ∫_0^T |Mag_X(t) − Mag_Y(t)| dt / T (trapezoid) on a common grid ts; both magnitude
 * functions must have been evaluated at exactly these scales.
 */
export function magDiff(ts: ArrayLike<number>, magX: ArrayLike<number>, magY: ArrayLike<number>): number {
  if (magX.length !== ts.length || magY.length !== ts.length) {
    throw new InputError(
      "magdiff-grid",
      `MagDiff: needs both functions on the same grid (${ts.length} scales; got ${magX.length} and ${magY.length} values)`,
    );
  }
  const diff = new Float64Array(ts.length);
  for (let i = 0; i < ts.length; i++) diff[i] = Math.abs(magX[i] - magY[i]);
  return trapezoid(ts, diff) / ts[ts.length - 1];
}

/**
 * Composite Simpson for possibly uneven spacing on the points start, start+2, …, stop (scipy's
 * _basic_simpson): Σ over pairs of intervals (h0, h1) of (h0+h1)/6 ·
 * (y0·(2 − h1/h0) + y1·(h0+h1)²/(h0·h1) + y2·(2 − h0/h1)).
 */
function simpsonPairs(ts: ArrayLike<number>, ys: ArrayLike<number>, start: number, stop: number): number {
  let s = 0;
  for (let i = start; i + 2 <= stop; i += 2) {
    const h0 = ts[i + 1] - ts[i];
    const h1 = ts[i + 2] - ts[i + 1];
    const hsum = h0 + h1;
    s +=
      (hsum / 6) *
      (ys[i] * (2 - h1 / h0) + ys[i + 1] * ((hsum * hsum) / (h0 * h1)) + ys[i + 2] * (2 - h0 / h1));
  }
  return s;
}

/**
 * MagArea by Simpson's rule, as magnipy's `MagArea_simpson` gets it from scipy 1.10's
 * integrate.simpson: an odd number of points is plain composite Simpson; an even number (the default
 * 30-scale grid) averages "Simpson on the first N−1 points + trapezoid on the last interval" and
 * "trapezoid on the first interval + Simpson on the last N−1 points" (scipy's even='avg').
 */
export function magAreaSimpson(ts: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = ts.length;
  if (ys.length !== n) throw new InputError("area-length", `Simpson: ${n} scales but ${ys.length} values`);
  if (n < 2) return 0;
  if (n === 2) return trapezoid(ts, ys);
  if (n % 2 === 1) return simpsonPairs(ts, ys, 0, n - 1);
  const first = simpsonPairs(ts, ys, 0, n - 2) + 0.5 * (ts[n - 1] - ts[n - 2]) * (ys[n - 1] + ys[n - 2]);
  const last = 0.5 * (ts[1] - ts[0]) * (ys[1] + ys[0]) + simpsonPairs(ts, ys, 1, n - 1);
  return (first + last) / 2;
}
