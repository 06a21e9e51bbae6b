/**
 * Starting iterates for solves at scales between those of a grid already solved on the same cloud:
 * the weights w(t) = Z(t)⁻¹1 are smooth in t, so the grid's weights interpolated at t start CG far
 * closer than the chain of the new scales alone does (the fitted dimension's log-spaced scales,
 * src/core/dimension-fit-scales.ts, lie between the layer's linear grid points).
 *
 * Interpolation, never extrapolation: cubic Lagrange through the four grid nodes with weights around t
 * (t_{k−1}, t_k, t_{k+1}, t_{k+2} with t_k ≤ t ≤ t_{k+1}, moved inwards at the ends of the run of nodes
 * that have weights), linear between t_k and t_{k+1} when fewer than four are there, none outside.
 *   w(t) ≈ Σ_a ℓ_a(t)·w(t_a),   ℓ_a(t) = Π_{b≠a} (t − t_b)/(t_a − t_b).
 * Measured on the 1000 × 64 drifting ReLU clouds of bench/ (fit scales t_conv·10^(−k/8), k = 0…8,
 * against the 30-point linear grid's weights): CG and PCG iterations of those nine solves 80 with the
 * fit's own warm starts, 61 from linear and 37 from cubic interpolation.
 * A start only decides where CG begins; each value still meets its own stopping test and states its
 * bound. The fast engine takes these starts as they are (ScaleWarmStarts.interpolated), without the
 * residual comparison it makes for a start from another cloud.
 */

/** The weights a grid's solves ended with (null where none: t = 0, closed forms, exact fallbacks). */
export interface GridIterates {
  readonly scales: Float64Array;
  readonly weights: readonly (Float64Array | null | undefined)[];
}

/** Starting iterates at each scale of `at` (null where t is outside the nodes with weights). */
export function interpolatedStarts(grid: GridIterates, at: Float64Array): (Float64Array | null)[] {
  return Array.from(at, (t) => interpolatedAt(grid, t));
}

function interpolatedAt(grid: GridIterates, t: number): Float64Array | null {
  const { scales, weights } = grid;
  const has = (k: number): boolean => k >= 0 && k < scales.length && weights[k] != null;
  // k: the last node with t_k ≤ t
  let k = -1;
  while (k + 1 < scales.length && scales[k + 1]! <= t) k++;
  if (!has(k)) return null;
  if (scales[k] === t) return weights[k]!.slice();
  if (!has(k + 1)) return null;
  // four nodes with weights containing [t_k, t_{k+1}], centred where the run of weights allows
  let first = k - 1;
  if (!has(first)) first = k;
  else if (!has(k + 2)) first = has(k - 2) ? k - 2 : k;
  const nodes = has(first) && has(first + 1) && has(first + 2) && has(first + 3) ? 4 : 2;
  if (nodes === 2) first = k;
  const coefficients = lagrange(scales, first, nodes, t);
  const n = weights[k]!.length;
  const out = new Float64Array(n);
  for (let a = 0; a < nodes; a++) {
    const w = weights[first + a]!;
    const c = coefficients[a]!;
    for (let i = 0; i < n; i++) out[i] += c * w[i]!;
  }
  return out;
}

/** ℓ_a(t) for the nodes scales[first … first + count − 1]. */
function lagrange(scales: Float64Array, first: number, count: number, t: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < count; a++) {
    const ta = scales[first + a]!;
    let l = 1;
    for (let b = 0; b < count; b++) {
      if (b === a) continue;
      const tb = scales[first + b]!;
      l *= (t - tb) / (ta - tb);
    }
    out.push(l);
  }
  return out;
}
