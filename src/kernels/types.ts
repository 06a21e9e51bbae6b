/**
 * The dense kernels, over one linear memory. Pointers are byte offsets into `buffer()`;
 * matrices are n×n row-major and symmetric ones keep only the lower triangle (j ≤ i).
 * Two implementations with the same semantics: WebAssembly SIMD (./wasm-kernels.ts) and plain
 * TypeScript (./ts-kernels.ts, the fallback and the cross-check in tests).
 */
export interface DenseKernels {
  readonly kind: "wasm" | "ts";
  /** First usable byte offset (16-aligned). */
  readonly heapBase: number;
  /** The current memory. Views must be re-created after `growTo`. */
  buffer(): ArrayBuffer;
  /** Make the memory at least `bytes` long (total, from offset 0). */
  growTo(bytes: number): void;

  rowSquaredNorms(X: number, n: number, d: number, norms: number): void;
  /**
   * Lower triangle of Euclidean distances: Gram trick on X (a centred copy), pairs that would cancel
   * (D² < relRecompute·(‖x_i‖² + ‖x_j‖²)) recomputed as Σ(x_i − x_j)² from Xraw (the original rows).
   */
  distancesLower(
    X: number,
    Xraw: number,
    n: number,
    d: number,
    norms: number,
    D: number,
    relRecompute: number,
  ): void;
  /** Index i·n + j of the smallest D[i, j] with j < i, the first in row-major order; −1 for n < 2. */
  closestPairLower(D: number, n: number): number;
  /** Smallest positive and largest D[i, j], j < i, stored at out and out + 8 (+∞ / −∞ when none). */
  lowerMinMax(D: number, n: number, out: number): void;
  /** Z = exp(−tD) on the lower triangle, entries < flushBelow → 0; returns Σ_{j<i} Z_ij. */
  expNegLower(D: number, Z: number, n: number, t: number, flushBelow: number): number;
  /** expNegLower, and y = Z·1 of the new Z (the row sums), in one pass; returns Σ_{j<i} Z_ij. */
  expNegRowSumsLower(D: number, Z: number, n: number, t: number, flushBelow: number, y: number): number;
  /** Z ← Z ∘ Z1 on the lower triangle with flushing; returns Σ_{j<i} Z_ij. */
  hadamardLower(Z: number, Z1: number, n: number, flushBelow: number): number;
  /** hadamardLower, and y = Z·1 of the updated Z (the row sums), in one pass; returns Σ_{j<i} Z_ij. */
  hadamardRowSumsLower(Z: number, Z1: number, n: number, flushBelow: number, y: number): number;
  lowerToF32(A: number, B: number, n: number): void;
  copyLower64(A: number, B: number, n: number): void;
  symvLower64(A: number, n: number, x: number, y: number): void;
  symvLower32(A: number, n: number, x: number, y: number): void;
  /** Σ_ij w_i w_j D_ij Z_ij (full symmetric sum). */
  quadDZ(D: number, Z: number, n: number, w: number): number;
  /** Lower Cholesky in place; 0 or (failing pivot + 1). */
  cholesky64(A: number, n: number, nb: number): number;
  cholesky32(A: number, n: number, nb: number): number;
  solveLower64(L: number, n: number, b: number): void;
  solveLowerT64(L: number, n: number, b: number): void;
  solveLower32(L: number, n: number, b: number): void;
  solveLowerT32(L: number, n: number, b: number): void;
}

/**
 * Largest memory the kernels may use (bytes): wasm32 addresses at most 4 GiB (65 536 pages of 64 KiB;
 * the last page is kept free). Pointers past 2 GiB reach the kernels as negative i32 and are read
 * back as u32 (usize) there.
 */
export const MAX_KERNEL_MEMORY = 4 * 1024 ** 3 - 65536;
