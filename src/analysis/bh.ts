/**
 * Benjamini–Hochberg q-values (adjusted p-values) over one family of m tests:
 *   q_(i) = min_{j ≥ i} min(1, m·p_(j) / j)   for the p-values sorted ascending, p_(1) ≤ … ≤ p_(m),
 * returned in the input order. NaN p-values (undefined tests) are left out of the family and get q = NaN.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const q = pValues.map(() => Number.NaN);
  const index = pValues
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !Number.isNaN(p))
    .sort((a, b) => a.p - b.p);
  const m = index.length;
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const { p, i } = index[k] as { p: number; i: number };
    running = Math.min(running, (m * p) / (k + 1));
    q[i] = Math.min(1, running);
  }
  return q;
}
