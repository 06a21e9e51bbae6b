/**
 * A finite metric space given by its distances instead of coordinates. A representation trajectory's
 * points are whole probe batches (n_probe·d coordinates each, 64 000 for 1000 × 64): a window of W
 * of them needs only its W × W distances, and consecutive windows share all but one point, so the
 * distances are computed once per pair of steps (src/trajectory/step-distances.ts) instead of the
 * W·n_probe·d coordinates being copied, hashed and centred for every window.
 * The profile of a DistanceMatrix is the profile of any point cloud with those distances
 * (computeProfileOfDistances, src/core/profile-distances.ts).
 */
import { InputError } from "./errors.js";

export interface DistanceMatrix {
  /** n×n row-major: symmetric, zero diagonal, finite, ≥ 0. */
  readonly distances: Float64Array;
  readonly n: number;
  /** Dimension of the space the points live in, reported as the profile's d (0 when unknown). */
  readonly d?: number;
  /** Names the matrix in errors (e.g. `layer "h1" steps 0–9`). */
  readonly source?: string;
}

/** Throws InputError naming the first entry that is not a distance. */
export function validateDistanceMatrix(m: DistanceMatrix): void {
  const { distances: D, n } = m;
  const where = m.source ?? "distance matrix";
  if (!Number.isInteger(n) || n < 1)
    throw new InputError("distances-empty", `${where}: n = ${n} points; need ≥ 1`);
  if (D.length !== n * n) {
    throw new InputError(
      "distances-shape",
      `${where}: ${D.length} entries for n = ${n} (need n² = ${n * n})`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (D[i * n + i] !== 0) {
      throw new InputError("distances-diagonal", `${where}: D[${i}, ${i}] = ${D[i * n + i]}, not 0`);
    }
    for (let j = 0; j < i; j++) {
      const v = D[i * n + j]!;
      if (!(v >= 0 && Number.isFinite(v))) {
        throw new InputError(
          "distances-invalid",
          `${where}: D[${i}, ${j}] = ${v} is not a finite distance ≥ 0`,
        );
      }
      if (D[j * n + i] !== v) {
        throw new InputError(
          "distances-asymmetric",
          `${where}: D[${i}, ${j}] = ${v} but D[${j}, ${i}] = ${D[j * n + i]}`,
        );
      }
    }
  }
}

/** The largest entry (0 for one point). */
export function largestDistance(m: DistanceMatrix): number {
  let max = 0;
  for (let k = 0; k < m.distances.length; k++) if (m.distances[k]! > max) max = m.distances[k]!;
  return max;
}

/**
 * Drop points at distance 0 from an earlier point (as dedupRows drops equal rows: the magnitude of a
 * multiset is that of its distinct points, and a repeated point makes Z_t singular). Returns the
 * distances of the distinct points divided by `unit` (a power of two: exact), in order of first
 * occurrence.
 */
export function distinctDistances(
  m: DistanceMatrix,
  unit: number,
): { readonly D: Float64Array; readonly n: number; readonly keptIndices: Int32Array } {
  const { distances: D, n } = m;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!kept.some((j) => D[i * n + j] === 0)) kept.push(i);
  const k = kept.length;
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[a * k + b] = D[kept[a]! * n + kept[b]!]! / unit;
  return { D: out, n: k, keptIndices: Int32Array.from(kept) };
}
