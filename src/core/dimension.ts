/**
 * Magnitude dimension profile (magnipy `magitude_dimension_profile_interp`, the one computeProfile
 * reports): slopes of log Mag against log t between consecutive *positive* grid scales,
 *   s_i = (log Mag(t_{i+1}) − log Mag(t_i)) / (log t_{i+1} − log t_i),
 * placed at the geometric midpoints sqrt(t_i·t_{i+1}). magnipy additionally prepends (t = 0, slope 0);
 * we do not (it is not a slope), which does not change the maximum as long as a slope is ≥ 0.
 */
export function dimensionProfile(
  ts: ArrayLike<number>,
  magnitude: ArrayLike<number>,
): { scales: Float64Array; values: Float64Array } {
  const idx: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i] > 0) idx.push(i);
  const m = Math.max(0, idx.length - 1);
  const scales = new Float64Array(m);
  const values = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = idx[k];
    const j = idx[k + 1];
    const la = Math.log(ts[i]);
    const lb = Math.log(ts[j]);
    values[k] = (Math.log(magnitude[j]) - Math.log(magnitude[i])) / (lb - la);
    scales[k] = Math.exp(la + (lb - la) / 2);
  }
  return { scales, values };
}

/** Maximum of a profile (NaN for an empty profile). */
export function magnitudeDimension(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]);
  return m;
}

/**
 * "Exact" profile (magnipy `magnitude_dimension_profile_exact` with the grid given): at each positive
 * grid scale t a central difference in log t,
 *   s(t) = (log Mag(t·e^h) − log Mag(t·e^−h)) / (2h),  h = min_i (log t_{i+1} − log t_i) by default,
 * which costs two extra magnitude evaluations per scale.
 */
export function dimensionProfileCentral(
  ts: ArrayLike<number>,
  magnitudeAt: (t: number) => number,
  h?: number,
): { scales: Float64Array; values: Float64Array } {
  const pos: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i] > 0) pos.push(ts[i]);
  let step = h ?? Number.POSITIVE_INFINITY;
  if (h === undefined) {
    for (let k = 0; k + 1 < pos.length; k++) step = Math.min(step, Math.log(pos[k + 1]) - Math.log(pos[k]));
  }
  const scales = Float64Array.from(pos);
  const values = new Float64Array(pos.length);
  for (let k = 0; k < pos.length; k++) {
    const lt = Math.log(pos[k]);
    values[k] =
      (Math.log(magnitudeAt(Math.exp(lt + step))) - Math.log(magnitudeAt(Math.exp(lt - step)))) / (2 * step);
  }
  return { scales, values };
}
