/**
 * Issue 16: f32 preconditioner factors kept from one cloud of a sequence to the next
 * (src/core/fast/factor-cache.ts). The cache's rules, and on drifting clouds (bench/drifting-clouds.ts)
 * that a later step borrows instead of factorising while every value stays within 1e-9 relative of
 * the exact engine (or within the bound it states) — also when the "sequence" lies (other rows).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { driftingRun } from "../../bench/drifting-clouds.js";
import {
  BORROW_RATIO,
  clearFactorCache,
  dropFactor,
  FACTOR_CACHE_BYTES,
  factorCacheBytes,
  findFactor,
  storeFactor,
} from "../../src/core/fast/factor-cache.js";
import type { FastSolveInfo } from "../../src/core/fast/scale-solve.js";
import { computeProfile } from "../../src/core/index.js";
import type { MagnitudeProfile, PointCloud } from "../../src/core/types.js";

const fill = (v: number) => (into: Float32Array) => into.fill(v);

describe("factor cache rules", () => {
  beforeEach(() => clearFactorCache());

  it("lends only to the same sequence and n, within BORROW_RATIO of the scale, nearest first", () => {
    storeFactor("run/a", 10, 1.0, 3, fill(1));
    storeFactor("run/a", 10, 1.4, 3, fill(2));
    expect(findFactor("run/b", 10, 1.0)).toBeNull();
    expect(findFactor("run/a", 11, 1.0)).toBeNull();
    expect(findFactor("run/a", 10, 1.0 / (BORROW_RATIO * 1.01))).toBeNull();
    expect(findFactor("run/a", 10, 1.1)?.factor[0]).toBe(1);
    expect(findFactor("run/a", 10, 1.3)?.factor[0]).toBe(2);
  });

  it("replaces the entry of a nearby scale instead of adding one", () => {
    storeFactor("s", 10, 1.0, 3, fill(1));
    storeFactor("s", 10, 1.1, 3, fill(5));
    expect(factorCacheBytes()).toBe(10 * 10 * 4);
    const e = findFactor("s", 10, 1.0);
    expect(e?.scale).toBe(1.1);
    expect(e?.factor[0]).toBe(5);
  });

  it("forgets a dropped factor (a failed loan)", () => {
    storeFactor("s", 10, 1.0, 3, fill(1));
    dropFactor(findFactor("s", 10, 1.0)!);
    expect(findFactor("s", 10, 1.0)).toBeNull();
  });

  it("stays within FACTOR_CACHE_BYTES, dropping the least recently used, and keeps no factor over a quarter of it", () => {
    const n = Math.floor(Math.sqrt(FACTOR_CACHE_BYTES / 4 / 4)); // a quarter of the budget each
    for (let k = 0; k < 6; k++) storeFactor(`s${k}`, n, 1, 3, fill(k));
    expect(factorCacheBytes()).toBeLessThanOrEqual(FACTOR_CACHE_BYTES);
    expect(findFactor("s0", n, 1)).toBeNull();
    expect(findFactor("s1", n, 1)).toBeNull();
    expect(findFactor("s5", n, 1)?.factor[0]).toBe(5);
    clearFactorCache();
    storeFactor("big", n + 1, 1, 3, fill(1));
    expect(factorCacheBytes()).toBe(0);
  });
});

/** n × 64 ReLU clouds of a slowly drifting MLP (the realistic kind), layer h2. */
function drifting(n: number, steps: number): PointCloud[] {
  const out: PointCloud[] = [];
  for (const [, layers] of driftingRun({ n, steps, drift: 0.01, seed: 3 }))
    out.push({ n, d: 64, data: layers.h2 });
  return out;
}

/** Every grid value of `fast` within 1e-9 relative of `exact`, or within the bound it states. */
function expectWithinBounds(fast: MagnitudeProfile, exact: MagnitudeProfile): void {
  expect(Array.from(fast.scales)).toEqual(Array.from(exact.scales));
  for (let k = 0; k < fast.scales.length; k++) {
    const diff = Math.abs(fast.magnitude[k]! - exact.magnitude[k]!);
    const allowed = Math.max(1e-9 * Math.abs(exact.magnitude[k]!), fast.solveInfo[k]!.errorBound ?? 0);
    expect(diff, `scale ${k}`).toBeLessThanOrEqual(allowed);
  }
}

const borrowed = (p: MagnitudeProfile) =>
  p.solveInfo.filter((i) => (i as FastSolveInfo).cachedFactor === true).length;
const factorisations = (p: MagnitudeProfile) =>
  p.solveInfo.reduce((s, i) => s + ((i as FastSolveInfo).factorisations ?? 0), 0);

describe("a sequence of drifting clouds", () => {
  beforeEach(() => clearFactorCache());
  const n = 600;
  const clouds = drifting(n, 3);

  it("borrows the earlier step's factors instead of factorising, values within bounds of the exact engine", () => {
    const first = computeProfile(clouds[0]!, { sequence: "run/h2" });
    expect(factorisations(first)).toBeGreaterThan(0); // the reference point: small t needs factors
    expect(borrowed(first)).toBe(0);
    for (const cloud of clouds.slice(1)) {
      const p = computeProfile(cloud, { sequence: "run/h2" });
      expect(borrowed(p)).toBeGreaterThan(0);
      expect(factorisations(p)).toBeLessThan(factorisations(first));
      expectWithinBounds(p, computeProfile(cloud, { mode: "exact", tMax: p.T }));
    }
  });

  it("finds the factors when a step comes in other units (the profile rescales by powers of two)", () => {
    computeProfile(clouds[0]!, { sequence: "s" });
    const scaled = { ...clouds[1]!, data: clouds[1]!.data.map((x) => x * 4) };
    const p = computeProfile(scaled, { sequence: "s" });
    expect(borrowed(p)).toBeGreaterThan(0);
    expectWithinBounds(p, computeProfile(scaled, { mode: "exact", tMax: p.T }));
  });

  it("stays within bounds when the sequence's rows are not the same rows (a poor preconditioner)", () => {
    computeProfile(clouds[0]!, { sequence: "s" });
    // the next step's rows in reverse order: the kept factor belongs to a permuted matrix
    const c = clouds[1]!;
    const reversed = new Float64Array(c.data.length);
    for (let i = 0; i < n; i++) reversed.set(c.data.subarray((n - 1 - i) * 64, (n - i) * 64), i * 64);
    const cloud = { n, d: 64, data: reversed };
    const p = computeProfile(cloud, { sequence: "s" });
    expectWithinBounds(p, computeProfile(cloud, { mode: "exact", tMax: p.T }));
  });

  it("without a sequence nothing is kept", () => {
    computeProfile(clouds[0]!);
    expect(factorCacheBytes()).toBe(0);
  });
});
