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
