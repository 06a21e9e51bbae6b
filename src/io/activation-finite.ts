/** Refuse NaN / ±Inf, naming the first offending row and (flattened) column. */
import type { PointCloud } from "../core/types.js";
import { FormatError } from "./format-error.js";

export function assertFinite(source: string, what: string, cloud: PointCloud): void {
  const { data, d } = cloud;
  for (let k = 0; k < data.length; k++) {
    const x = data[k];
    if (x - x !== 0) {
      // x − x is NaN exactly when x is NaN or ±Inf.
      const row = Math.floor(k / d);
      const col = k % d;
      throw new FormatError(
        source,
        "NON_FINITE",
        `${what} holds ${x} at row ${row}, column ${col} (0-based, trailing dims flattened); drop such rows with --non-finite drop-rows (library: allowNonFinite)`,
        { details: { row, column: col } },
      );
    }
  }
}
