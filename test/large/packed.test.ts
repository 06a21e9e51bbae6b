/** The packed symmetric mat-vec against the dense product of the same matrix (odd and even n). */
import { describe, expect, it } from "vitest";
import { packedLength, packedSymv } from "../../src/core/large/packed.js";

describe("packedSymv", () => {
  it.each([1, 2, 7, 64, 101])("equals the dense symmetric product, n = %i", (n) => {
    const A = new Float64Array(packedLength(n));
    const dense = new Float64Array(n * n);
    let o = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = Math.sin(1 + 3 * i + 7 * j); // deterministic, both signs
        A[o + j] = v;
        dense[i * n + j] = v;
        dense[j * n + i] = v;
      }
      o += i + 1;
    }
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const y = new Float64Array(n).fill(Number.NaN); // overwritten, not accumulated
    packedSymv(A, n, x, y);
    for (let i = 0; i < n; i++) {
      let s = 0;
      let abs = 0;
      for (let j = 0; j < n; j++) {
        s += dense[i * n + j] * x[j];
        abs += Math.abs(dense[i * n + j] * x[j]);
      }
      expect(Math.abs(y[i] - s)).toBeLessThanOrEqual(2 * n * Number.EPSILON * abs);
    }
  });
});
