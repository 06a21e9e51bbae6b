import { U } from "../fast/residual.js";
import { FLUSH_BELOW } from "../fast/workspace.js";

/**
 * Z_t = exp(−t·D) into the packed lower triangle Z (unit diagonal), entries below FLUSH_BELOW set to 0
 * (as the fast engine: they would drive the products into subnormals; the CG bound counts them), and
 * the full row sums Σ_j Z_ij into rowSums. Returns the Gershgorin lower bound on λ_min(Z):
 *   λ_min ≥ 1 − max_i Σ_{j≠i} Z_ij  (less the rounding of the sums, (n + 2)·u·rowMax),
 * rigorous but positive only near t_conv and above, where Z is close to the identity.
 */
export function loadSimilarity(
  D: Float64Array,
  n: number,
  t: number,
  Z: Float64Array,
  rowSums: Float64Array,
): { readonly gershgorinLower: number; readonly rowMax: number } {
  rowSums.fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < i; j++) {
      let z = Math.exp(-t * D[o + j]);
      if (z < FLUSH_BELOW) z = 0;
      Z[o + j] = z;
      s += z;
      rowSums[j] += z;
    }
    Z[o + i] = 1;
    rowSums[i] += s + 1;
    o += i + 1;
  }
  let rowMax = 0;
  for (let i = 0; i < n; i++) rowMax = Math.max(rowMax, rowSums[i]);
  return { gershgorinLower: 1 - (rowMax - 1) - (n + 2) * U * rowMax, rowMax };
}
