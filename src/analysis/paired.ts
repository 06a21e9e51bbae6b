/** Validation shared by the paired statistics: two equally long arrays of finite numbers. */
import { InputError } from "../core/errors.js";

export function checkPaired(name: string, x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) {
    throw new InputError("STATS_LENGTH_MISMATCH", `${name}: x has ${x.length} values, y has ${y.length}`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new InputError(
        "STATS_NON_FINITE",
        `${name}: pair ${i} is (${x[i]}, ${y[i]}); drop runs without a finite value before ranking`,
      );
    }
  }
}
