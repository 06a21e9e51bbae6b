import { describe, expect, it } from "vitest";
import { offDiagonalStats } from "../../src/core/distances.js";
import {
  lowerTriangleStats,
  MEDIAN_SAMPLE,
  sampledLowerTriangleStats,
  selectKth,
} from "../../src/core/fast/select.js";

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

  it("sampledLowerTriangleStats: exact min/max, median of an even sample within 2% of the exact one", () => {
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
    const sampled = sampledLowerTriangleStats(D, n);
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
    expect(sampled.min).toBe(exact.min);
    expect(sampled.max).toBe(exact.max);
    expect(Math.abs(sampled.median - exact.median) / exact.median).toBeLessThan(0.02);
    // small triangles: exactly lowerTriangleStats
    const small = new Float64Array(D.buffer, 0, 100 * 100);
    expect(sampledLowerTriangleStats(small, 100)).toEqual(lowerTriangleStats(small, 100));
  });
});
