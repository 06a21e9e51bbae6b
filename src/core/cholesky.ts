/**
 * Dense Cholesky A = L·Lᵀ on a row-major n×n Float64Array, in place (lower triangle; the strict upper
 * triangle is left untouched and never read). Returns a LAPACK-style status: 0 on success, or the
 * 1-based index of the first pivot that is not positive (A not numerically positive definite). Never
 * throws on numerical failure: the caller chooses a fallback and records it.
 *
 * Algorithm: row-oriented "dot-product" Cholesky (Cholesky–Crout by rows),
 *   L[i,j] = (A[i,j] − L[i,0:j]·L[j,0:j]) / L[j,j],  L[i,i] = sqrt(A[i,i] − ‖L[i,0:i]‖²),
 * where both operands of every dot product are contiguous row prefixes. Rows are processed in blocks
 * of BLOCK rows so each finished row L[j,:] is loaded once per block and reused BLOCK times.
 * The kernels below are the hot loops a wasm kernel may replace (explicit sizes and offsets).
 */
const BLOCK = 48;

/** Validating public entry point. */
export function choleskyInPlace(n: number, a: Float64Array): number {
  if (!Number.isInteger(n) || n < 0 || a.length < n * n) {
    throw new RangeError(`choleskyInPlace: need an n×n array (n = ${n}, length = ${a.length})`);
  }
  return choleskyKernel(n, a, BLOCK);
}

/** Unchecked kernel. */
export function choleskyKernel(n: number, a: Float64Array, block: number): number {
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block);
    for (let j = 0; j < i1; j++) {
      const oj = j * n;
      const start = Math.max(j, i0);
      for (let i = start; i < i1; i++) {
        const oi = i * n;
        const s = a[oi + j] - dotKernel(j, a, oi, a, oj);
        if (i === j) {
          if (!(s > 0)) return j + 1; // also catches NaN
          a[oi + j] = Math.sqrt(s);
        } else {
          a[oi + j] = s / a[oj + j];
        }
      }
    }
  }
  return 0;
}

/** Σ_{k<len} x[ox+k]·y[oy+k], four accumulators (unrolled; also reduces rounding error growth). */
export function dotKernel(len: number, x: Float64Array, ox: number, y: Float64Array, oy: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[ox + k] * y[oy + k];
    s1 += x[ox + k + 1] * y[oy + k + 1];
    s2 += x[ox + k + 2] * y[oy + k + 2];
    s3 += x[ox + k + 3] * y[oy + k + 3];
  }
  for (; k < len; k++) s0 += x[ox + k] * y[oy + k];
  return s0 + s1 + (s2 + s3);
}

/** Solve L·y = b in place (b becomes y); L lower triangular row-major from choleskyInPlace. */
export function forwardSubstitution(n: number, l: Float64Array, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    b[i] = (b[i] - dotKernel(i, l, i * n, b, 0)) / l[i * n + i];
  }
}

/** Solve Lᵀ·x = y in place (y becomes x), column-oriented so L is read by rows. */
export function backSubstitution(n: number, l: Float64Array, y: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const oi = i * n;
    const xi = y[i] / l[oi + i];
    y[i] = xi;
    for (let k = 0; k < i; k++) y[k] -= l[oi + k] * xi;
  }
}
