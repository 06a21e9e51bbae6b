/** Building blocks: accurate distances, Cholesky status, dedup, similarity, t_conv on scaled clouds, MagDiff. */
import { describe, expect, it } from "vitest";
import {
  choleskyInPlace,
  computeProfile,
  dedupRows,
  findTConv,
  magDiff,
  magnitudeAt,
  pairwiseDistances,
  pointCloudFromRows,
  Q_ONE_GAP,
  similarityMatrix,
  tConvOf,
} from "../../src/core/index.js";
import { cloud, loadPoints, loadResult, relErr } from "./golden-data.js";

describe("distances", () => {
  it("Euclidean is accurate for points differing by 1e-9 relative", () => {
    const x = [123.456, -987.654, 42];
    const delta = [1e-9 * 123.456, 0, -2e-9 * 42];
    const pc = pointCloudFromRows([x, x.map((v, k) => v + delta[k])]);
    const D = pairwiseDistances(pc);
    // exact distance of the stored doubles (their differences are exact in floating point)
    const dx = pc.data[3] - pc.data[0];
    const dz = pc.data[5] - pc.data[2];
    expect(relErr(D[1], Math.hypot(dx, dz))).toBeLessThan(1e-15);
    expect(relErr(D[1], Math.hypot(delta[0], delta[2]))).toBeLessThan(1e-6);
    expect(D[1]).toBe(D[2]);
  });
  it("cosine = 1 − cos∠ and angular = ∠/π; scale-free", () => {
    const pc = pointCloudFromRows([
      [2, 0],
      [0, 5],
      [-1, 1e-12],
      [3, 3],
    ]);
    const C = pairwiseDistances(pc, "cosine");
    const A = pairwiseDistances(pc, "angular");
    expect(C[1]).toBeCloseTo(1, 15);
    expect(relErr(C[3], 1 - Math.SQRT1_2)).toBeLessThan(1e-14);
    expect(relErr(A[3], 0.25)).toBeLessThan(1e-14);
    expect(relErr(A[2], 1 - 1e-12 / Math.PI)).toBeLessThan(1e-14);
    expect(A[0]).toBe(0);
  });
});

describe("Cholesky", () => {
  it("factors an SPD matrix larger than a block (L·Lᵀ = A) and returns 0", () => {
    const n = 130;
    const A = similarityMatrix(
      pairwiseDistances(cloud(loadPoints("a_uniform2d_n200").points_f64.slice(0, n))),
      n,
      30,
    );
    const L = A.slice();
    expect(choleskyInPlace(n, L)).toBe(0);
    let err = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
        err = Math.max(err, Math.abs(s - A[i * n + j]));
      }
    expect(err).toBeLessThan(1e-13);
  });
  it("reports the 1-based failing pivot instead of throwing", () => {
    const A = Float64Array.from([4, 2, 0, 2, 1, 0, 0, 0, 1]); // rank-deficient leading 2×2
    expect(choleskyInPlace(3, A)).toBe(2);
    expect(choleskyInPlace(2, Float64Array.from([-1, 0, 0, 1]))).toBe(1);
  });
});

describe("dedup and similarity", () => {
  it("removes exact duplicates (−0 = 0), keeps first occurrences, maps every row", () => {
    const pc = pointCloudFromRows([
      [1, 0],
      [2, 3],
      [1, -0],
      [2, 3 + 1e-15],
      [2, 3],
    ]);
    const r = dedupRows(pc);
    expect(r.duplicatesRemoved).toBe(2);
    expect(Array.from(r.keptIndices)).toEqual([0, 1, 3]);
    expect(Array.from(r.representative)).toEqual([0, 1, 0, 2, 1]);
  });
  it("Z_t = exp(−t·D) directly: no underflow of exp(−D) for D > 745", () => {
    const Z = similarityMatrix(Float64Array.from([0, 800, 800, 0]), 2, 1e-3);
    expect(relErr(Z[1], Math.exp(-0.8))).toBeLessThan(1e-15);
    const two = pointCloudFromRows([[0], [800]]);
    expect(relErr(magnitudeAt(two, 1e-3).magnitude, 2 / (1 + Math.exp(-0.8)))).toBeLessThan(1e-14);
  });
});

describe("t_conv", () => {
  const R = loadResult("c_circle_n100");
  const base = cloud(loadPoints("c_circle_n100").points_f64);
  const precise = R.t_conv_by_q["0.95"].t_conv_precise_brentq;

  it.each([1e-4, 1e4])("scale covariance: t_conv(s·X) = t_conv(X)/s (s = %s; t_conv ≫ 100 or ≪ 1)", (s) => {
    const scaled = { ...base, data: base.data.map((v) => v * s) };
    const { tConv } = tConvOf(scaled, 0.95);
    expect(relErr(tConv * s, precise)).toBeLessThan(1e-9);
  });

  it("q = 1 is Mag = n·(1 − 1e-9); Mag there matches the target", () => {
    const { tConv } = tConvOf(base, 1);
    expect(relErr(magnitudeAt(base, tConv).magnitude, 100 * (1 - Q_ONE_GAP))).toBeLessThan(1e-12);
    expect(tConv).toBeGreaterThan(R.t_conv_by_q["0.99"].t_conv_precise_brentq);
  });

  it("finds the crossing inside a sign-change bracket even for a non-monotone function", () => {
    // dips below the target again after first crossing it; must return a true crossing
    const f = (t: number): number => 5 + 4.6 * Math.sin(Math.log(t) / 3);
    const r = findTConv(f, 10, 0.95, 1, 1e-12);
    expect(Math.abs(f(r.tConv) - 9.5)).toBeLessThan(1e-9);
  });

  it("computeProfile finds t_conv even with tMax pinned, and MagDiff against itself is 0", () => {
    const a = computeProfile(base, { tMax: 10, nScales: 12 });
    expect(a.T).toBe(10);
    expect(relErr(a.tConv!, precise)).toBeLessThan(1e-10);
    expect(a.scales[11]).toBe(10);
    const b = computeProfile({ ...base, data: base.data.map((v) => v * 2) }, { tMax: 10, nScales: 12 });
    expect(magDiff(a.scales, a.magnitude, a.magnitude)).toBe(0);
    // |Mag_X − Mag_2X| area / T, trapezoid, by hand
    let area = 0;
    for (let i = 0; i < 11; i++) {
      const y0 = Math.abs(a.magnitude[i] - b.magnitude[i]);
      const y1 = Math.abs(a.magnitude[i + 1] - b.magnitude[i + 1]);
      area += ((a.scales[i + 1] - a.scales[i]) * (y0 + y1)) / 2;
    }
    expect(relErr(magDiff(a.scales, a.magnitude, b.magnitude), area / 10)).toBeLessThan(1e-14);
  });
});
