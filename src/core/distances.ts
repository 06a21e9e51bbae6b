import { InputError } from "./errors.js";
import type { DistanceMetric, PointCloud } from "./types.js";

/**
 * Pairwise distance matrix, n×n row-major, zero diagonal, exactly symmetric.
 *
 * - euclidean: ‖x − y‖₂ computed from coordinate differences (no Gram trick ‖x‖²+‖y‖²−2x·y, which
 *   loses all digits for near-duplicate points); O(n²d) but accurate to a few ulps for any distance.
 * - cosine:    1 − cos∠(x, y) = ‖x̂ − ŷ‖² / 2 with x̂ = x/‖x‖ (same value, no cancellation near 0).
 *              Not a metric (no triangle inequality); Z_t may be indefinite → solver fallback.
 * - angular:   ∠(x, y)/π = 2·atan2(‖x̂ − ŷ‖, ‖x̂ + ŷ‖)/π ∈ [0, 1], a true metric on the sphere
 *              (the atan2 form is accurate for both nearly parallel and nearly opposite vectors).
 * Zero vectors have no direction: cosine/angular reject them with InputError.
 */
export function pairwiseDistances(pc: PointCloud, metric: DistanceMetric = "euclidean"): Float64Array {
  const { n, d } = pc;
  switch (metric) {
    case "euclidean":
      return euclideanKernel(n, d, pc.data);
    case "cosine": {
      const D = euclideanKernel(n, d, normalisedRows(pc));
      for (let k = 0; k < D.length; k++) D[k] = (D[k] * D[k]) / 2;
      return D;
    }
    case "angular":
      return angularKernel(n, d, normalisedRows(pc));
    default:
      throw new InputError("metric-unknown", `metric "${String(metric)}": use euclidean, cosine or angular`);
  }
}

/** Unchecked kernel: D[i,j] = sqrt(Σ_k (x_ik − x_jk)²), upper triangle mirrored. */
export function euclideanKernel(n: number, d: number, x: Float64Array): Float64Array {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = x[oi + k] - x[oj + k];
        s += diff * diff;
      }
      const v = Math.sqrt(s);
      D[i * n + j] = v;
      D[j * n + i] = v;
    }
  }
  return D;
}

/** Unchecked kernel on unit rows u: D[i,j] = 2·atan2(‖u_i − u_j‖, ‖u_i + u_j‖)/π. */
export function angularKernel(n: number, d: number, u: Float64Array): Float64Array {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sd = 0;
      let ss = 0;
      for (let k = 0; k < d; k++) {
        const a = u[i * d + k];
        const b = u[j * d + k];
        sd += (a - b) * (a - b);
        ss += (a + b) * (a + b);
      }
      const v = (2 * Math.atan2(Math.sqrt(sd), Math.sqrt(ss))) / Math.PI;
      D[i * n + j] = v;
      D[j * n + i] = v;
    }
  }
  return D;
}

function normalisedRows(pc: PointCloud): Float64Array {
  const { data, n, d } = pc;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    // scale by max |x| first so that the norm neither overflows nor underflows
    let m = 0;
    for (let k = 0; k < d; k++) m = Math.max(m, Math.abs(data[i * d + k]));
    if (m === 0) {
      throw new InputError(
        "points-zero-vector",
        `points: row ${i} is the zero vector; cosine/angular distance is undefined for it`,
      );
    }
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = data[i * d + k] / m;
      s += v * v;
    }
    const norm = Math.sqrt(s);
    for (let k = 0; k < d; k++) out[i * d + k] = data[i * d + k] / m / norm;
  }
  return out;
}

/** Smallest and median off-diagonal distance (used to seed the t_conv bracket). */
export function offDiagonalStats(D: Float64Array, n: number): { min: number; median: number; max: number } {
  const m = (n * (n - 1)) / 2;
  if (m === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const vals = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) vals[k++] = D[i * n + j];
  vals.sort();
  const median = m % 2 === 1 ? vals[(m - 1) / 2] : (vals[m / 2 - 1] + vals[m / 2]) / 2;
  let min = Number.POSITIVE_INFINITY;
  for (let q = 0; q < m; q++) {
    if (vals[q] > 0) {
      min = vals[q];
      break;
    }
  }
  return { min, median, max: vals[m - 1] };
}
