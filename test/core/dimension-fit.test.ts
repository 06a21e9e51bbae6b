/**
 * Fitted magnitude dimension (TAG23 Algorithm 1, interval chosen by src/core/dimension-fit.ts).
 * References: closed-form magnitude functions (segment, Barceló–Carbery's 3-ball), regular lattices
 * (segment, square, cube) and paths from scipy.stats.levy_stable (test/fixtures/trajectory, made by
 * scripts/make-levy-fixtures.py). Tolerances are argued in docs/trajectory.md.
 */
import { describe, expect, it } from "vitest";
import { computeProfile, fitDimension, type PointCloud } from "../../src/core/index.js";
import { parseActivation } from "../../src/io/activation.js";
import { readFixture } from "../io/fixture-path.js";

/** k^dim points of the unit cube [0,1]^dim on a regular lattice. */
function lattice(k: number, dim: number): PointCloud {
  const n = k ** dim;
  const data = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let r = i;
    for (let c = 0; c < dim; c++) {
      data[i * dim + c] = (r % k) / (k - 1);
      r = Math.floor(r / k);
    }
  }
  return { data, n, d: dim };
}

function logScales(from: number, to: number, perDecade: number): Float64Array {
  const m = Math.round(Math.log10(to / from) * perDecade) + 1;
  return Float64Array.from({ length: m }, (_, k) => from * 10 ** (k / perDecade));
}

function fitOf(cloud: PointCloud) {
  const fit = computeProfile(cloud, { dimensionFit: true }).dimensionFit;
  if (fit === undefined) throw new Error("no fit");
  return fit;
}

describe("fitDimension on closed-form magnitude functions", () => {
  it("n lattice points on a segment, Mag = 1 + (n−1)·tanh(t·h/2): slope 1 within 0.03 for n = 10^5", () => {
    const n = 100_000;
    const h = 1 / (n - 1);
    const ts = logScales(0.01, 1e6, 8);
    const mag = Float64Array.from(ts, (t) => 1 + (n - 1) * Math.tanh((t * h) / 2));
    const fit = fitDimension(ts, mag, n);
    expect(Math.abs(fit.dimension - 1)).toBeLessThan(0.03);
    expect(fit.interval!.magStart).toBeGreaterThanOrEqual(2);
    expect(fit.interval!.magEnd).toBeLessThanOrEqual(0.95 * n);
  });

  it("3-ball, Mag(tB_R) = 1 + 2s + s² + s³/6 (s = tR, Barceló–Carbery): slope → 3, within 0.1 once Mag reaches 10^9", () => {
    const ts = logScales(1e-3, 1e4, 8);
    const mag = Float64Array.from(ts, (s) => 1 + 2 * s + s * s + (s * s * s) / 6);
    const fit = fitDimension(ts, mag, 1e12);
    expect(Math.abs(fit.dimension - 3)).toBeLessThan(0.1);
    // the same curve cut at Mag ≤ 0.95·1000, the reach of 1000 sample points: the continuum's own
    // slope over that window is far below 3 — the finite-n bias the lattice tests below see
    const short = fitDimension(ts, mag, 1000);
    expect(short.dimension).toBeGreaterThan(2.0);
    expect(short.dimension).toBeLessThan(2.6);
  });

  it("too few eligible points: NaN with a reason, no interval", () => {
    const fit = fitDimension([1, 2, 4], [1.1, 1.5, 1.9], 10);
    expect(fit.dimension).toBeNaN();
    expect(fit.interval).toBeNull();
    expect(fit.reason).toMatch(/Mag/);
  });
});

describe("fitted dimension of sampled shapes (computeProfile with dimensionFit)", () => {
  it("segment, 1000 lattice points: 1 − 0.06 ≤ dim_fit ≤ 1", () => {
    const fit = fitOf(lattice(1000, 1));
    expect(fit.dimension).toBeGreaterThan(0.94);
    expect(fit.dimension).toBeLessThanOrEqual(1.0);
    expect(fit.interval!.points).toBeGreaterThanOrEqual(8);
  });

  it("filled square, 32² lattice: 1.5 < dim_fit < 2 (boundary terms pull a finite sample below 2)", () => {
    const fit = fitOf(lattice(32, 2));
    expect(fit.dimension).toBeGreaterThan(1.5);
    expect(fit.dimension).toBeLessThan(2.0);
  });

  it("filled cube, 10³ lattice: 2.0 < dim_fit < 2.6, and ordered segment < square < cube", () => {
    const cube = fitOf(lattice(10, 3)).dimension;
    expect(cube).toBeGreaterThan(2.0);
    expect(cube).toBeLessThan(2.6);
    expect(fitOf(lattice(32, 2)).dimension).toBeLessThan(cube);
  });
});

describe("fitted dimension of random paths in R^10 (scipy fixtures, n = 1000)", () => {
  const load = (name: string): PointCloud =>
    parseActivation(readFixture("trajectory", `${name}.npy`), { format: "npy", source: `${name}.npy` });

  it("Brownian path (range dimension 2): 1.4 < dim_fit < 2.1", () => {
    const d = fitOf(load("brownian_r10")).dimension;
    expect(d).toBeGreaterThan(1.4);
    expect(d).toBeLessThan(2.1);
  });

  it("α-stable Lévy paths: α − 0.5 < dim_fit < α + 0.1 (TAG23: ≈0.3 below α), strictly ordered by α", () => {
    const alphas = [0.8, 1.2, 1.6, 1.9];
    const dims = alphas.map((a) => fitOf(load(`levy_alpha${a.toFixed(1)}_r10`)).dimension);
    alphas.forEach((a, i) => {
      expect(dims[i]).toBeGreaterThan(a - 0.5);
      expect(dims[i]).toBeLessThan(a + 0.1);
      if (i > 0) expect(dims[i]).toBeGreaterThan(dims[i - 1]);
    });
  });
});
