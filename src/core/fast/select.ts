/**
 * k-th smallest value (0-based) of a, by iterative Hoare quickselect with median-of-three pivots;
 * reorders a. O(m) expected: the median of n²/2 distances without sorting them (a full sort of
 * 500 000 values takes ~50 ms in JS, this ~5 ms).
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three into a[mid]
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Smallest positive, median (mean of the two middle values for an even count) and largest value of the strictly lower triangle (as offDiagonalStats). */
export function lowerTriangleStats(D: Float64Array, n: number): { min: number; median: number; max: number } {
  const m = (n * (n - 1)) / 2;
  if (m === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const vals = new Float64Array(m);
  let at = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = D[i * n + j];
      vals[at++] = v;
      if (v > 0 && v < min) min = v;
      if (v > max) max = v;
    }
  }
  let median: number;
  if (m % 2 === 1) median = selectKth(vals, (m - 1) / 2);
  else {
    const upper = selectKth(vals, m / 2);
    // after selection everything left of m/2 is ≤ upper: the lower middle is their maximum
    let lower = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < m / 2; i++) if (vals[i] > lower) lower = vals[i];
    median = (lower + upper) / 2;
  }
  return { min, median, max };
}

/** Pairs sampled by sampledLowerTriangleStats (the exact selection runs below this many pairs). */
export const MEDIAN_SAMPLE = 65536;

/**
 * The median of the strictly lower triangle, exact (lowerTriangleStats) up to MEDIAN_SAMPLE pairs,
 * else from an evenly strided sample of MEDIAN_SAMPLE pairs. The fast engine uses the median only as
 * the seed t0 = 1/median of its t_conv bracket, which the Cauchy–Schwarz search widens or narrows
 * anyway; the exact selection costs ~40 ms at n = 2000 and ~160 ms at n = 4000, the sample ~1–4 ms.
 */
export function sampledLowerTriangleMedian(D: Float64Array, n: number): number {
  const m = (n * (n - 1)) / 2;
  if (m <= MEDIAN_SAMPLE) return lowerTriangleStats(D, n).median;
  // the sample: pairs k_a = ⌊a·m/S⌋, a = 0 … S − 1, in lower-triangle row-major order (row i holds
  // k = i(i−1)/2 … i(i+1)/2 − 1), reached by index instead of by visiting every pair
  const stride = m / MEDIAN_SAMPLE;
  const sample = new Float64Array(MEDIAN_SAMPLE);
  let i = 1;
  let rowStart = 0; // k of (i, 0)
  for (let a = 0; a < MEDIAN_SAMPLE; a++) {
    const k = Math.floor(a * stride);
    while (k >= rowStart + i) {
      rowStart += i;
      i++;
    }
    sample[a] = D[i * n + (k - rowStart)];
  }
  return selectKth(sample, MEDIAN_SAMPLE >> 1);
}
