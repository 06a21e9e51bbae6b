/**
 * Robust z-score of a change against earlier changes (docs/alerts.md):
 *   z_k = |Δ_k − median(H)| / (1.4826 · MAD(H)),  MAD(H) = median(|h − median(H)|),
 * with H the previous K changes. 1.4826 = 1/Φ⁻¹(3/4) makes 1.4826·MAD estimate σ for normal data.
 * MAD = 0 (at least half the history identical): any deviation is infinitely surprising (z = ∞),
 * none is z = 0.
 */
export const MAD_TO_SIGMA = 1.4826;

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function robustZ(change: number, history: readonly number[]): number {
  const m = median(history);
  const mad = median(history.map((h) => Math.abs(h - m)));
  const deviation = Math.abs(change - m);
  if (mad === 0) return deviation === 0 ? 0 : Number.POSITIVE_INFINITY;
  return deviation / (MAD_TO_SIGMA * mad);
}
