/**
 * Packed lower-triangle storage of a symmetric n×n matrix: row i holds entries (i, 0..i), so entry
 * (i, j) with j ≤ i sits at i(i+1)/2 + j and the whole matrix takes n(n+1)/2 doubles — half of n×n,
 * and in one ordinary JS typed array (no single-WebAssembly-memory limit of the fast engine).
 */
export const packedLength = (n: number): number => (n * (n + 1)) / 2;

/** y = A·x for the packed symmetric A (each stored entry used for (i, j) and (j, i)). */
export function packedSymv(A: Float64Array, n: number, x: Float64Array, y: Float64Array): void {
  y.fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    let s = 0;
    for (let j = 0; j < i; j++) {
      const a = A[o + j];
      s += a * x[j];
      y[j] += a * xi;
    }
    y[i] += s + A[o + i] * xi;
    o += i + 1;
  }
}
