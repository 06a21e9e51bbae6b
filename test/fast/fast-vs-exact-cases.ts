/**
 * The fast engine against the exact engine and magnipy's golden values on every golden cloud
 * (test/fixtures/golden, copied from /work/shared/golden — see that folder's README), for the float64
 * input and for the float32 input (points_f32_as_f64, compared with the float32 golden entries).
 * A fast value must lie within 1e-9 relative of the exact one, or within the bound it states.
 * Registered by fast-vs-exact.test.ts (plain wasm kernels) and fast-vs-exact-fma.test.ts (the fused
 * multiply-add build the CLI runs).
 */
import { describe, expect, it } from "vitest";
import { computeProfile, magnitudeFunction, type PointCloud, tConvOf } from "../../src/core/index.js";
import type { SolveInfo } from "../../src/core/types.js";
import { cloud, GOLDEN_NAMES, loadPoints, loadResult } from "../core/golden-data.js";

function withinBound(fast: number, exact: number, info: SolveInfo): boolean {
  const err = Math.abs(fast - exact);
  return err <= 1e-9 * Math.abs(exact) || (info.errorBound !== undefined && err <= info.errorBound);
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** The full-profile comparison; returns the fast profile for further checks. */
function compareProfiles(pc: PointCloud) {
  const fast = computeProfile(pc, { mode: "fast" });
  const exact = computeProfile(pc, { mode: "exact" });
  expect(fast.nDistinct).toBe(exact.nDistinct);
  expect(rel(fast.tConv!, exact.tConv!)).toBeLessThan(1e-9);
  // the exact engine at the fast profile's own grid (the grids differ by the t_conv difference)
  const ref = magnitudeFunction(pc, fast.scales, { mode: "exact" });
  const pmag = fast.positiveMagnitude ?? new Float64Array(0);
  expect(pmag.length).toBe(fast.scales.length);
  for (let k = 0; k < fast.scales.length; k++) {
    expect(withinBound(fast.magnitude[k], ref.magnitude[k], fast.solveInfo[k])).toBe(true);
    // PMag: iterative values state a (linear-in-residual) bound of their own
    const pmagBound = (fast.solveInfo[k] as { positiveMagnitudeErrorBound?: number })
      .positiveMagnitudeErrorBound;
    const pmagErr = Math.abs(pmag[k] - ref.positiveMagnitude[k]);
    expect(pmagErr <= 1e-9 * ref.positiveMagnitude[k] || pmagErr <= (pmagBound ?? 0)).toBe(true);
  }
  expect(rel(fast.magAreaScaled, exact.magAreaScaled)).toBeLessThan(1e-9);
  expect(rel(fast.magArea, exact.magArea)).toBeLessThan(1e-9);
  expect(rel(fast.magnitudeDimension, exact.magnitudeDimension)).toBeLessThan(1e-9);
  // every value says how it was computed; iterative values carry a finite bound
  for (const info of fast.solveInfo) {
    expect(["closed-form", "cg", "cg-preconditioned", "cholesky", "eigen"]).toContain(info.solver);
    if (info.solver === "cg" || info.solver === "cg-preconditioned") {
      expect(Number.isFinite(info.errorBound)).toBe(true);
    }
  }
  // near t_conv Z ≈ I, so the top of the grid is solved by CG, not by factorisations
  expect(fast.solveInfo[fast.solveInfo.length - 1].solver).toBe("cg");
  return fast;
}

export function fastVsExactCases(label: string): void {
  describe.each(GOLDEN_NAMES)(`fast engine (${label}) on golden %s`, (name) => {
    const P = loadPoints(name);
    const R = loadResult(name);
    const pc = cloud(P.points_f64);

    it("float64 input: t_conv, every grid value, area and dimension agree with the exact mode", () => {
      const fast = compareProfiles(pc);
      expect(fast.nDistinct).toBe(R.magnipy_default.n_after_dedup);
    });

    it("float32 input: agrees with the exact mode and with magnipy's float32 golden entries", () => {
      const g = R.magnipy_default_float32_input;
      const pc32 = cloud(P.points_f32_as_f64);
      const fast = compareProfiles(pc32);
      expect(fast.nDistinct).toBe(g.n_after_dedup);
      expect(rel(fast.tConv!, g.t_conv)).toBeLessThan(1e-5);
      const mf = magnitudeFunction(pc32, g.ts, { mode: "fast" });
      g.magnitude.forEach((ref: number, k: number) => {
        expect(withinBound(mf.magnitude[k], ref, mf.solveInfo[k])).toBe(true);
      });
    });

    it("magnipy's magnitude at the 14 fixed scales, and t_conv against the precise root", () => {
      const mf = magnitudeFunction(pc, R.fixed_ts, { mode: "fast" });
      R.magnitude_fixed_ts.forEach((ref: number, k: number) => {
        expect(withinBound(mf.magnitude[k], ref, mf.solveInfo[k])).toBe(true);
      });
      for (const q of ["0.5", "0.8", "0.9", "0.95", "0.99"]) {
        const precise: number = R.t_conv_by_q[q].t_conv_precise_brentq;
        const t = tConvOf(pc, Number(q), { mode: "fast" }).tConv;
        expect(Math.abs(t - precise) / precise).toBeLessThan(1e-10);
      }
    });
  });
}
