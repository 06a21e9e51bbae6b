/**
 * Plain CG from a warm start that already passes its stopping test: it keeps the product Z·x it
 * formed at the start (x has not moved) instead of forming it again. Checked by counting the kernel's
 * mat-vecs, against the exact engine's magnitude, and against the cold solve that produced x (its last
 * step formed Z·x for the same x, so the value and the bound must be the same bits).
 */
import { describe, expect, it } from "vitest";
import { conjugateGradient, gershgorinLower } from "../../src/core/fast/cg.js";
import { ACCEPT_REL, REL_TOL } from "../../src/core/fast/scale-solve.js";
import { FastWorkspace } from "../../src/core/fast/workspace.js";
import { magnitudeAt } from "../../src/core/index.js";
import { lcgCloud } from "../helpers/clouds.js";

/** Counts symvLower64 calls on this workspace's kernels. */
function countMatVecs(ws: FastWorkspace): { count: number } {
  const counter = { count: 0 };
  const k = ws.k as { symvLower64: (...a: number[]) => void };
  const symv = k.symvLower64.bind(k);
  k.symvLower64 = (...a: number[]) => {
    counter.count++;
    symv(...a);
  };
  return counter;
}

describe.each(["wasm", "ts"] as const)("CG from a converged warm start (%s kernels)", (kind) => {
  // t near the end of a grid: Z is diagonally dominant (Gershgorin bound positive, the bound rigorous)
  const pc = lcgCloud(200, 3, 5);
  const t = 200;
  const opts = (gershgorinLower: number) => ({
    maxIter: 50,
    relTol: REL_TOL,
    gershgorinLower,
    acceptRel: ACCEPT_REL,
  });

  function solvedWorkspace() {
    const ws = new FastWorkspace(pc.n, pc.d, kind);
    ws.computeDistances(pc.data);
    ws.loadScale(t);
    const lower = gershgorinLower(ws);
    expect(lower).toBeGreaterThan(0);
    ws.x.fill(0);
    const cold = conjugateGradient(ws, opts(lower));
    expect(cold.converged).toBe(true);
    expect(cold.iterations).toBeGreaterThan(0);
    return { ws, lower, cold, x: Float64Array.from(ws.x) };
  }

  it("stops with 0 iterations after one mat-vec, at the exact engine's value within its bound", () => {
    const { ws, lower, x } = solvedWorkspace();
    ws.x.set(x);
    const counter = countMatVecs(ws);
    const warm = conjugateGradient(ws, opts(lower));
    expect(warm.iterations).toBe(0);
    expect(warm.converged).toBe(true);
    expect(counter.count).toBe(1);
    const exact = magnitudeAt(pc, t, { mode: "exact" }).magnitude;
    expect(Math.abs(warm.magnitude - exact)).toBeLessThanOrEqual(warm.errorBound);
  });

  it("gives the cold solve's value and bound to the bit", () => {
    const { ws, lower, cold, x } = solvedWorkspace();
    ws.x.set(x);
    const warm = conjugateGradient(ws, opts(lower));
    expect(warm.magnitude).toBe(cold.magnitude);
    expect(warm.positiveMagnitude).toBe(cold.positiveMagnitude);
    expect(warm.errorBound).toBe(cold.errorBound);
    expect(warm.boundKind).toBe("rigorous");
  });

  it("forms Z·x again once an iteration has overwritten the product", () => {
    const { ws, lower } = solvedWorkspace();
    ws.x.fill(0);
    const counter = countMatVecs(ws);
    const cold = conjugateGradient(ws, opts(lower));
    // the start, one per iteration, and the true residual at the end
    expect(counter.count).toBe(cold.iterations + 2);
  });
});
