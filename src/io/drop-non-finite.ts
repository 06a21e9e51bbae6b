/** --non-finite drop-rows: remove every row holding NaN or ±Inf, and say how many were removed. */
import type { PointCloud } from "../core/types.js";
import { FormatError } from "./format-error.js";

export function dropNonFiniteRows(source: string, cloud: PointCloud): { cloud: PointCloud; dropped: number } {
  const { data, n, d } = cloud;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let finite = true;
    for (let k = i * d; k < i * d + d; k++) {
      const x = data[k]!;
      if (x - x !== 0) {
        // x − x is NaN exactly when x is NaN or ±Inf.
        finite = false;
        break;
      }
    }
    if (finite) keep.push(i);
  }
  if (keep.length === n) return { cloud, dropped: 0 };
  if (keep.length === 0) {
    throw new FormatError(
      source,
      "NON_FINITE",
      `every one of its ${n} rows holds NaN or ±Inf (--non-finite drop-rows leaves nothing)`,
    );
  }
  const out = new Float64Array(keep.length * d);
  keep.forEach((row, i) => {
    out.set(data.subarray(row * d, row * d + d), i * d);
  });
  return { cloud: { data: out, n: keep.length, d }, dropped: n - keep.length };
}
