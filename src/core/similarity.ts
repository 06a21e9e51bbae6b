/**
 * Z_t[i,j] = exp(−t·D[i,j]) computed directly (never exp(−D)^t, which underflows for D > ~745 and
 * loses accuracy). Entries with t·D > 708.39 (exp below the smallest normal double, 2.2e-308) are set to
 * 0: they change no digit of the result and subnormals would slow the factorisation down ~10×.
 */
const SUBNORMAL_EXPONENT = 708.3964185322641; // −ln(2^−1022)

export function similarityMatrix(D: Float64Array, n: number, t: number, out?: Float64Array): Float64Array {
  const Z = out ?? new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    const e = t * D[k];
    Z[k] = e > SUBNORMAL_EXPONENT ? 0 : Math.exp(-e);
  }
  return Z;
}
