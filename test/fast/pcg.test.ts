/**
 * Mixed precision: CG in float64 preconditioned by a float32 Cholesky factor, of the same scale or of
 * a neighbouring one. Checked against the exact engine (dense float64 Cholesky), in wasm and with the
 * TypeScript fallback kernels.
 */
import { describe, expect, it } from "vitest";
import { gershgorinLower } from "../../src/core/fast/cg.js";
import { factorPreconditioner, preconditionedCg } from "../../src/core/fast/pcg.js";
import { ACCEPT_REL, REL_TOL, rowSumGuess } from "../../src/core/fast/scale-solve.js";
import { FastWorkspace } from "../../src/core/fast/workspace.js";
import { magnitudeAt, magnitudeFunction } from "../../src/core/index.js";
import { lcgCloud } from "../helpers/clouds.js";

describe.each(["wasm", "ts"] as const)("preconditioned CG (%s kernels)", (kind) => {
  const pc = lcgCloud(kind === "ts" ? 150 : 400, 6, 11);

  it("with the factor of its own scale: ≤ 3 iterations, value within its bound of the exact one", () => {
    const ws = new FastWorkspace(pc.n, pc.d, kind);
    ws.computeDistances(pc.data);
    for (const t of [0.05, 0.3, 1]) {
      ws.loadScale(t);
      gershgorinLower(ws);
      rowSumGuess(ws);
      expect(factorPreconditioner(ws)).toBe(true);
      expect(ws.factorScale).toBe(t);
      const r = preconditionedCg(ws, { maxIter: 20, relTol: REL_TOL, acceptRel: ACCEPT_REL });
      const exact = magnitudeAt(pc, t, { mode: "exact" }).magnitude;
      expect(r.converged).toBe(true);
      expect(r.iterations).toBeLessThanOrEqual(3);
      expect(Math.abs(r.magnitude - exact)).toBeLessThanOrEqual(r.errorBound);
      expect(r.errorBound).toBeLessThanOrEqual(ACCEPT_REL * exact);
      // a good preconditioner: the preconditioned operator's spectrum sits at 1
      expect(Math.abs(r.ritzMin - 1)).toBeLessThan(0.01);
    }
  });

  it("with the factor of a neighbouring scale: more iterations, same accuracy", () => {
    const ws = new FastWorkspace(pc.n, pc.d, kind);
    ws.computeDistances(pc.data);
    ws.loadScale(0.1);
    expect(factorPreconditioner(ws)).toBe(true);
    ws.loadScale(0.15);
    gershgorinLower(ws);
    rowSumGuess(ws);
    const r = preconditionedCg(ws, { maxIter: 40, relTol: REL_TOL, acceptRel: ACCEPT_REL });
    const exact = magnitudeAt(pc, 0.15, { mode: "exact" }).magnitude;
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeGreaterThan(2);
    expect(Math.abs(r.magnitude - exact)).toBeLessThanOrEqual(r.errorBound);
  });
});

describe("grid solver", () => {
  it("solves small scales by f32-preconditioned CG, reusing factors, within 1e-9 of the exact engine", () => {
    const pc = lcgCloud(600, 8, 5);
    const T = 40;
    const scales = Float64Array.from({ length: 30 }, (_, k) => (k * T) / 29);
    const fast = magnitudeFunction(pc, scales, { mode: "fast" });
    const exact = magnitudeFunction(pc, scales, { mode: "exact" });
    const pcg = fast.solveInfo.filter((s) => s.solver === "cg-preconditioned");
    expect(pcg.length).toBeGreaterThan(1);
    // at least one scale reused an earlier scale's factor
    expect(pcg.some((s) => (s as { factorisations?: number }).factorisations === 0)).toBe(true);
    for (let k = 0; k < scales.length; k++) {
      const err = Math.abs(fast.magnitude[k] - exact.magnitude[k]);
      expect(err <= 1e-9 * exact.magnitude[k] || err <= (fast.solveInfo[k].errorBound ?? 0)).toBe(true);
    }
  });
});
