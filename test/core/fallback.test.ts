/** Solver fallback: duplicates (singular Z) and the non-Euclidean K_{3,2} graph metric (indefinite Z). */
import { describe, expect, it } from "vitest";
import {
  choleskyInPlace,
  computeProfile,
  magnitudeAtScale,
  magnitudeFunction,
  pairwiseDistances,
  similarityMatrix,
} from "../../src/core/index.js";
import { cloud, loadOracles, loadPoints, loadResult, maxRelErr, relErr } from "./golden-data.js";

describe("duplicates set (60 rows, 50 distinct)", () => {
  const pc = cloud(loadPoints("d_duplicates_2d_n60").points_f64);
  const R = loadResult("d_duplicates_2d_n60");
  const B = R.duplicates_no_dedup_behaviour;

  it("de-duplicates and gives the de-duplicated magnitude (47.49 at t = 75, not magnipy's biased 47.08)", () => {
    const mf = magnitudeFunction(pc, B.ts);
    expect(maxRelErr(mf.magnitude, B.dedup_cholesky)).toBeLessThan(1e-12);
    expect(maxRelErr(mf.magnitude, B.no_dedup_pinv)).toBeLessThan(1e-12);
    expect(mf.magnitude[4]).toBeCloseTo(47.49, 2);
    expect(Math.abs(mf.magnitude[4] - B.no_dedup_cholesky[4])).toBeGreaterThan(0.4);
    const prof = computeProfile(pc);
    expect(prof.duplicatesRemoved).toBe(10);
    expect(prof.nDistinct).toBe(50);
    expect(Array.from(prof.keptIndices!)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("without de-duplication, Cholesky reports the failing pivot and the eigen fallback gives the right value", () => {
    const D = pairwiseDistances(pc); // 60×60 with repeated rows
    const Z = similarityMatrix(D, 60, 75);
    expect(choleskyInPlace(60, Z)).toBe(51); // row 50 = copy of row 0: first zero pivot
    B.ts.forEach((t: number, i: number) => {
      const r = magnitudeAtScale(D, 60, t);
      expect(r.info.solver).toBe("eigen");
      // pseudo-inverse route: rank-deficient Z, accuracy limited by the cut of ~zero eigenvalues
      expect(relErr(r.magnitude, B.no_dedup_pinv[i])).toBeLessThan(1e-9);
    });
  });
});

describe("K_{3,2} graph metric (non-Euclidean, Z_t indefinite for some t)", () => {
  // parts {0,1,2} and {3,4}: distance 1 across parts, 2 within a part
  const n = 5;
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) D[i * n + j] = i < 3 === j < 3 ? 2 : 1;
  const o = loadOracles().K32_graph_metric;

  it("matches (5−7q)/((1+q)(1−2q²)), q = e^(−t), and records the fallback where Cholesky fails", () => {
    o.ts.forEach((t: number, i: number) => {
      const r = magnitudeAtScale(D, n, t);
      const q = Math.exp(-t);
      const closed = (5 - 7 * q) / ((1 + q) * (1 - 2 * q * q));
      // near t = ln 2/2 (q² = 1/2) Z_t is singular; at t = 0.01 cond(Z) ~ 1e4 → rtol 1e-11 there
      expect(relErr(r.magnitude, closed)).toBeLessThan(1e-11);
      expect(relErr(r.magnitude, o.exact_via_LU_solve[i])).toBeLessThan(1e-11);
      const magnipyFailed = o.magnipy_cholesky_perturbed[i] as boolean;
      expect(r.info.solver).toBe(magnipyFailed ? "eigen" : "cholesky");
    });
  });
});
