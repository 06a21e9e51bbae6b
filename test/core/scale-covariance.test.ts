/**
 * Issue 11: magnitude is scale-covariant, Mag(t · cX) = Mag(ct · X) (MATH.md), so data scaled by
 * 1e200 or 1e-300 gives the same curve in scaled t as the unscaled data. Checked against the golden
 * magnipy cloud (its t_conv from /work/shared/golden via test/core/golden-data.ts) and against the
 * two-point closed form Mag(t) = 2 / (1 + e^{-tD}).
 */
import { describe, expect, it } from "vitest";
import { computeProfile } from "../../src/core/profile.js";
import type { PointCloud } from "../../src/core/types.js";
import { loadPoints, loadResult } from "./golden-data.js";

const scaled = (cloud: PointCloud, c: number): PointCloud => ({
  ...cloud,
  data: cloud.data.map((x) => x * c),
});
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("extreme but finite values", () => {
  const points = loadPoints("c_circle_n100").points_f64;
  const circle: PointCloud = { data: Float64Array.from(points.flat()), n: points.length, d: 2 };
  const golden = loadResult("c_circle_n100").magnipy_default;

  for (const mode of ["exact", "fast"] as const) {
    for (const c of [1e200, 1e-300]) {
      it(`${mode}: the golden circle ×${c} has t_conv / ${c} and the same curve`, () => {
        const base = computeProfile(circle, { mode });
        const big = computeProfile(scaled(circle, c), { mode });
        expect(rel(base.tConv!, golden.t_conv)).toBeLessThan(1e-5);
        expect(rel(big.tConv! * c, base.tConv!)).toBeLessThan(1e-8);
        expect(rel(big.T * c, base.T)).toBeLessThan(1e-8);
        for (let k = 0; k < base.magnitude.length; k++) {
          expect(rel(big.magnitude[k]!, base.magnitude[k]!)).toBeLessThan(1e-6);
          expect(rel(big.scales[k]! * c, base.scales[k]!) || 0).toBeLessThan(1e-8);
        }
        expect(rel(big.magAreaScaled, base.magAreaScaled)).toBeLessThan(1e-6);
        expect(rel(big.magArea * c, base.magArea)).toBeLessThan(1e-6);
      });
    }
  }

  it("two points at distance 5e-300: t_conv = ln(19) / D and Mag(T) = 1.9 (closed form)", () => {
    const D = 5e-300;
    const p = computeProfile(
      { data: Float64Array.from([0, 0, 3e-300, 4e-300]), n: 2, d: 2 },
      { mode: "exact" },
    );
    expect(rel(p.tConv!, Math.log(19) / D)).toBeLessThan(1e-8);
    expect(p.magnitude.at(-1)).toBeCloseTo(1.9, 8);
  });

  it("a pinned --t-max is in the data's units", () => {
    const p = computeProfile(
      { data: Float64Array.from([0, 0, 3e200, 4e200]), n: 2, d: 2 },
      { tMax: 2e-200, mode: "exact" },
    );
    expect(p.T).toBe(2e-200);
    // Mag(T) = 2 / (1 + e^{-T·D}) with T·D = 2e-200 · 5e200 = 10
    expect(p.magnitude.at(-1)).toBeCloseTo(2 / (1 + Math.exp(-10)), 9);
  });
});
