/**
 * Magnitude is scale-covariant: Mag(t · cX) = Mag(ct · X) for c > 0 (every distance scales by c, for
 * cosine and angular distances not at all). So a cloud whose values would overflow or underflow in
 * distances (1e200² = ∞, (1e-300)² = 0) is computed as X / s at scales t · s and reported back in the
 * data's units. s is a power of two, so X / s, t · s and (t · s) / s are exact (no rounding).
 * Clouds with max |x| in [2^-16, 2^16] keep s = 1: their distances are far from overflow and
 * underflow, and their results stay bit-identical to those computed before this normalisation
 * (stored references T remain exactly comparable).
 */
import type { PointCloud } from "./types.js";

const COMFORT_LOW = 2 ** -16;
const COMFORT_HIGH = 2 ** 16;

/** The power of two s such that X / s has max |x| in [1, 2), or 1 when no normalisation is needed. */
export function scaleUnit(points: PointCloud): number {
  let maxAbs = 0;
  const { data } = points;
  for (let k = 0; k < data.length; k++) {
    const a = Math.abs(data[k]!);
    if (a > maxAbs) maxAbs = a;
  }
  return unitOfMax(maxAbs);
}

/**
 * The same rule for a largest absolute value already known (a distance matrix's largest distance,
 * src/core/distance-matrix.ts: the distances are what would overflow or underflow in exp(−tD)).
 */
export function unitOfMax(maxAbs: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return 1;
  if (maxAbs >= COMFORT_LOW && maxAbs <= COMFORT_HIGH) return 1;
  // 2^e ≤ maxAbs < 2^(e+1); Math.log2 may be off by one ulp near powers of two, so correct it.
  let e = Math.floor(Math.log2(maxAbs));
  if (2 ** e > maxAbs) e--;
  if (2 ** (e + 1) <= maxAbs) e++;
  return 2 ** e;
}

/** X / s (exact for a power of two s, barring values that become subnormal). */
export function divideCloud(points: PointCloud, s: number): PointCloud {
  if (s === 1) return points;
  const data = new Float64Array(points.data.length);
  for (let k = 0; k < data.length; k++) data[k] = points.data[k]! / s;
  return { data, n: points.n, d: points.d };
}
