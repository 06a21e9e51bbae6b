/** fast-check invariants of the magnitude of Euclidean point clouds (small sizes to stay fast). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dedupRows, magnitudeAt, type PointCloud } from "../../src/core/index.js";

const coord = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
const cloudArb = fc
  .record({ n: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 4 }) })
  .chain(({ n, d }) =>
    fc
      .array(coord, { minLength: n * d, maxLength: n * d })
      .map((xs): PointCloud => ({ data: Float64Array.from(xs), n, d })),
  );
const scaleArb = fc.double({ min: 0.01, max: 50, noNaN: true });

/** Keep clouds whose distinct points are not nearly coincident (cond(Z) stays moderate). */
function wellSeparated(pc: PointCloud): boolean {
  const { data, n, d } = pc;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (data[i * d + k] - data[j * d + k]) ** 2;
      if (s < 1e-2) return false;
    }
  return true;
}

describe("properties", () => {
  it("1 ≤ Mag ≤ n (distinct points)", () => {
    fc.assert(
      fc.property(cloudArb, scaleArb, (pc, t) => {
        const m = magnitudeAt(pc, t).magnitude;
        const n = dedupRows(pc).points.n;
        return m >= 1 - 1e-9 && m <= n + 1e-9;
      }),
      { numRuns: 200 },
    );
  });

  it("permutation and translation invariance", () => {
    fc.assert(
      fc.property(cloudArb.filter(wellSeparated), scaleArb, fc.integer(), coord, (pc, t, seed, shift) => {
        const { n, d, data } = pc;
        const perm = Array.from({ length: n }, (_, i) => i);
        let s = seed >>> 0;
        for (let i = n - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
        const moved = new Float64Array(n * d);
        for (let i = 0; i < n; i++)
          for (let k = 0; k < d; k++) moved[i * d + k] = data[perm[i] * d + k] + shift;
        const a = magnitudeAt(pc, t).magnitude;
        const b = magnitudeAt({ data: moved, n, d }, t).magnitude;
        expect(Math.abs(a - b) / a).toBeLessThan(1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it("scale covariance: Mag(s·X at t) = Mag(X at s·t)", () => {
    fc.assert(
      fc.property(
        cloudArb.filter(wellSeparated),
        scaleArb,
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (pc, t, sc) => {
          const scaled = { ...pc, data: pc.data.map((v) => v * sc) };
          const a = magnitudeAt(scaled, t).magnitude;
          const b = magnitudeAt(pc, sc * t).magnitude;
          expect(Math.abs(a - b) / b).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });
});
