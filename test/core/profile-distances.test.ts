/**
 * Profiles of a metric space given by its distance matrix (src/core/profile-distances.ts): the same
 * profile as the cloud the distances came from (exact engine on both; the cloud's own distances by
 * pairwiseDistances as the matrix), duplicates found at distance 0, every engine mode, scale
 * covariance through the unit, and the refusals of entries that are not distances.
 */
import { describe, expect, it } from "vitest";
import type { DistanceMatrix } from "../../src/core/distance-matrix.js";
import { computeProfile, type PointCloud, pairwiseDistances } from "../../src/core/index.js";
import { computeProfileOfDistances } from "../../src/core/profile-distances.js";
import { computeProfileOfDistances as fromPackage } from "../../src/index.js";
import { lcgCloud } from "../helpers/clouds.js";

const matrixOf = (pc: PointCloud): DistanceMatrix => ({ distances: pairwiseDistances(pc), n: pc.n, d: pc.d });
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("computeProfileOfDistances", () => {
  const cloud = lcgCloud(40, 5, 3);
  const reference = computeProfile(cloud, { mode: "exact", dimensionFit: true });

  for (const mode of ["exact", "fast", "large"] as const) {
    it(`${mode}: the profile of the cloud the distances came from (40 points in [0,1]^5)`, () => {
      const p = computeProfileOfDistances(matrixOf(cloud), { mode, dimensionFit: true });
      expect([p.n, p.nDistinct, p.d]).toEqual([40, 40, 5]);
      expect(rel(p.tConv!, reference.tConv!)).toBeLessThan(1e-9);
      for (let k = 1; k < p.scales.length; k++) {
        expect(rel(p.scales[k]!, reference.scales[k]!)).toBeLessThan(1e-9);
        expect(rel(p.magnitude[k]!, reference.magnitude[k]!)).toBeLessThan(1e-9);
      }
      expect(rel(p.magAreaScaled, reference.magAreaScaled)).toBeLessThan(1e-9);
      expect(rel(p.dimensionFit!.dimension, reference.dimensionFit!.dimension)).toBeLessThan(1e-8);
    });
  }

  it("points at distance 0 from an earlier one are duplicates, dropped as repeated rows are", () => {
    const rows = [0, 1, 0, 2, 1, 3].map((i) => cloud.data.subarray(i * 5, i * 5 + 5));
    const repeated: PointCloud = { data: Float64Array.from(rows.flatMap((r) => Array.from(r))), n: 6, d: 5 };
    const fromPoints = computeProfile(repeated, { mode: "exact" });
    const p = computeProfileOfDistances(matrixOf(repeated), { mode: "exact" });
    expect([p.n, p.nDistinct, p.duplicatesRemoved]).toEqual([6, 4, 2]);
    expect(Array.from(p.keptIndices ?? [])).toEqual(Array.from(fromPoints.keptIndices ?? [-1]));
    expect(rel(p.tConv!, fromPoints.tConv!)).toBeLessThan(1e-9);
  });

  it("scale covariance: distances × 2^60 give t_conv / 2^60 and the same Mag(T) (the unit keeps exp finite)", () => {
    const m = matrixOf(cloud);
    const big = { ...m, distances: m.distances.map((v) => v * 2 ** 60) };
    const p = computeProfileOfDistances(big, { mode: "fast" });
    expect(rel(p.tConv! * 2 ** 60, reference.tConv!)).toBeLessThan(1e-9);
    expect(rel(p.magnitude[29]!, reference.magnitude[29]!)).toBeLessThan(1e-9);
  });

  it("is part of the library's entry point", () => {
    expect(fromPackage).toBe(computeProfileOfDistances);
  });

  it("one point: Mag ≡ 1 and no t_conv", () => {
    const p = computeProfileOfDistances({ distances: new Float64Array(1), n: 1 });
    expect(p.tConv).toBeNull();
    expect(Array.from(p.magnitude).every((v) => v === 1)).toBe(true);
  });

  it("refuses entries that are not distances, naming the matrix and the entry", () => {
    const D = pairwiseDistances(lcgCloud(3, 2, 5));
    const with_ = (i: number, v: number) => {
      const c = D.slice();
      c[i] = v;
      return { distances: c, n: 3, source: "window w" };
    };
    const cases: [DistanceMatrix, RegExp][] = [
      [{ distances: D.subarray(0, 8), n: 3, source: "window w" }, /window w: 8 entries for n = 3/],
      [with_(4, 1e-3), /window w: D\[1, 1\] = 0\.001, not 0/],
      [with_(3, -1), /window w: D\[1, 0\] = -1 is not a finite distance/],
      [with_(3, Number.NaN), /D\[1, 0\] = NaN/],
      [with_(1, 7), /window w: D\[1, 0\] = .* but D\[0, 1\] = 7/],
    ];
    for (const [m, message] of cases) expect(() => computeProfileOfDistances(m)).toThrow(message);
  });
});
