/**
 * Distances between the points of representation windows (representation-window.ts): point k is
 * step k's probe batch flattened, so the distance of steps a and b is the Frobenius norm of the
 * difference of their probe activations, ‖X_a − X_b‖_F = √(Σ_ij (X_a − X_b)_ij²) — the Euclidean
 * distance of the flattened rows, summed directly (0 exactly when the steps are equal, as the
 * de-duplication needs). A window ending at step s shares W − 1 of its W points with the window
 * ending one step earlier, so each pair is computed once per sync: W − 1 new distances per window
 * instead of W(W − 1)/2 over W·n_probe·d coordinates.
 */
import type { DistanceMatrix } from "../core/distance-matrix.js";
import type { PointCloud } from "../core/types.js";

/** ‖a − b‖_F over the first n·d values of two clouds of the same shape. */
export function frobeniusDistance(a: PointCloud, b: PointCloud): number {
  const x = a.data;
  const y = b.data;
  const m = a.n * a.d;
  // four partial sums: independent chains for the CPU, and shorter chains of rounding
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const d0 = x[k]! - y[k]!;
    const d1 = x[k + 1]! - y[k + 1]!;
    const d2 = x[k + 2]! - y[k + 2]!;
    const d3 = x[k + 3]! - y[k + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; k < m; k++) {
    const d = x[k]! - y[k]!;
    s0 += d * d;
  }
  return Math.sqrt(s0 + s1 + (s2 + s3));
}

/** The distances of one layer's steps, kept while windows slide over them. */
export class StepDistances {
  private readonly pairs = new Map<string, Map<string, number>>();

  /**
   * The W×W distances of a window: steps (ascending) and their probe clouds (same shape, checked by
   * the caller), with `d` the flattened dimension n_probe·d.
   */
  window(
    layer: string,
    steps: readonly number[],
    probes: readonly PointCloud[],
    source: string,
  ): DistanceMatrix {
    const W = steps.length;
    const D = new Float64Array(W * W);
    let held = this.pairs.get(layer);
    if (held === undefined) {
      held = new Map();
      this.pairs.set(layer, held);
    }
    for (let a = 0; a < W; a++) {
      for (let b = 0; b < a; b++) {
        const key = `${steps[b]}:${steps[a]}`;
        let v = held.get(key);
        if (v === undefined) {
          v = frobeniusDistance(probes[a]!, probes[b]!);
          held.set(key, v);
        }
        D[a * W + b] = v;
        D[b * W + a] = v;
      }
    }
    const first = probes[0]!;
    return { distances: D, n: W, d: first.n * first.d, source };
  }

  /** Drop the pairs that involve a step before `step` (windows only move forward). */
  forgetBefore(layer: string, step: number): void {
    const held = this.pairs.get(layer);
    for (const key of held?.keys() ?? [])
      if (Number(key.slice(0, key.indexOf(":"))) < step) held!.delete(key);
  }
}
