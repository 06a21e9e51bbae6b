import { describe, expect, it } from "vitest";
import { offDiagonalStats, pairwiseDistances } from "../../src/core/distances.js";
import { LazyDistances } from "../../src/core/fast/lazy-distances.js";
import {
  lowerTriangleStats,
  MEDIAN_SAMPLE,
  sampledLowerTriangleMedian,
  selectKth,
} from "../../src/core/fast/select.js";
import type { PointCloud } from "../../src/core/types.js";

describe("selection", () => {
  it("selectKth returns the k-th order statistic (checked against a sort), ties included", () => {
    let x = 3;
    const u = () => {
      x = (1103515245 * x + 12345) % 2147483648;
      return x / 2147483648;
    };
    for (const m of [1, 2, 7, 100, 1001]) {
      const a = Float64Array.from({ length: m }, () => Math.floor(u() * 20));
      const sorted = Float64Array.from(a).sort();
      for (const k of [0, m >> 1, m - 1]) expect(selectKth(Float64Array.from(a), k)).toBe(sorted[k]);
    }
  });

  it("lowerTriangleStats equals the core's offDiagonalStats on a symmetric matrix", () => {
    const n = 41;
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) D[i * n + j] = D[j * n + i] = Math.abs(Math.sin(i * 7 + j));
    expect(lowerTriangleStats(D, n)).toEqual(offDiagonalStats(D, n));
  });

  it("sampledLowerTriangleMedian: the median of an even sample, within 2% of the exact one", () => {
    const n = 600; // 179 700 pairs > MEDIAN_SAMPLE
    expect((n * (n - 1)) / 2).toBeGreaterThan(MEDIAN_SAMPLE);
    let x = 5;
    const pts = Array.from({ length: n * 3 }, () => {
      x = (1103515245 * x + 12345) % 2147483648;
      return x / 2147483648;
    });
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < 3; c++) s += (pts[i * 3 + c] - pts[j * 3 + c]) ** 2;
        D[i * n + j] = Math.sqrt(s);
      }
    const exact = offDiagonalStats(D, n);
    const sampled = { median: sampledLowerTriangleMedian(D, n) };
    // the sample is the pairs k = ⌊a·m/S⌋ of the lower triangle in row-major order (its definition,
    // visiting every pair): the median of exactly those
    const m = (n * (n - 1)) / 2;
    const want: number[] = [];
    let k = 0;
    for (let i = 1; i < n; i++)
      for (let j = 0; j < i; j++, k++)
        if (k === Math.floor(want.length * (m / MEDIAN_SAMPLE)) && want.length < MEDIAN_SAMPLE)
          want.push(D[i * n + j]);
    expect(want.length).toBe(MEDIAN_SAMPLE);
    expect(sampled.median).toBe(selectKth(Float64Array.from(want), MEDIAN_SAMPLE >> 1));
    expect(Math.abs(sampled.median - exact.median) / exact.median).toBeLessThan(0.02);
    // small triangles: exactly lowerTriangleStats
    const small = new Float64Array(D.buffer, 0, 100 * 100);
    expect(sampledLowerTriangleMedian(small, 100)).toBe(lowerTriangleStats(small, 100).median);
  });
});

describe("LazyDistances.stats", () => {
  it("the median is the sampled median of D when first read, also after the workspace was taken by another cloud", () => {
    const cloudOf = (n: number, seed: number): PointCloud => {
      let x = seed;
      const data = Float64Array.from({ length: n * 4 }, () => {
        x = (1103515245 * x + 12345) % 2147483648;
        return x / 2147483648;
      });
      return { data, n, d: 4 };
    };
    const want = (pc: PointCloud) => {
      const D = pairwiseDistances(pc, "euclidean");
      return { ...lowerTriangleStats(D, pc.n), median: sampledLowerTriangleMedian(D, pc.n) };
    };
    const a = cloudOf(500, 11);
    const first = LazyDistances.compute(a);
    const ref = want(a);
    expect(first.stats.min).toBeCloseTo(ref.min, 12);
    expect(first.stats.max).toBeCloseTo(ref.max, 12);
    expect(Math.abs(first.stats.median - ref.median)).toBeLessThanOrEqual(1e-12 * ref.median);
    // a second cloud leases the thread's kernel memory: the first one's median comes from its full D
    const b = cloudOf(500, 12);
    const revoked = LazyDistances.compute(a);
    LazyDistances.compute(b);
    expect(revoked.workspace.live).toBe(false);
    expect(revoked.stats.median).toBe(first.stats.median);
    expect(revoked.stats.median).toBe(revoked.stats.median); // taken once, then kept
  });
});
