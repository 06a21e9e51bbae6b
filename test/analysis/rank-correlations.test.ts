/**
 * src/analysis against scipy.stats / statsmodels (test/fixtures/stats, made by
 * scripts/make-stats-fixtures.py with Debian's python3-scipy 1.10.1): small n, ties, the exact and
 * asymptotic branches of kendalltau, n ≥ 171, constant inputs.
 */
import { describe, expect, it } from "vitest";
import {
  benjaminiHochberg,
  kendallExactP,
  kendallTau,
  spearmanRho,
  stratifiedKendall,
} from "../../src/analysis/index.js";
import { readFixtureJson } from "../io/fixture-path.js";

interface PairCase {
  name: string;
  x: number[];
  y: number[];
  tau: number | null;
  p: number | null;
  rho: number | null;
  rho_p: number | null;
}
interface Fixture {
  pairs: PairCase[];
  bh: { p: number[]; q: number[] }[];
  stratified: { name: string; x: number[]; y: number[]; g: string[]; n: number; tau: number; p: number }[];
}

const fixture = readFixtureJson<Fixture>("stats", "rank-correlations.json");

/** Relative agreement (absolute below 1e-300, where scipy and we both underflow to 0). */
function close(actual: number, expected: number | null, rel: number): void {
  if (expected === null) {
    expect(actual).toBeNaN();
    return;
  }
  const tol = Math.max(rel * Math.abs(expected), 1e-300);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe("kendallTau (τ-b, two-sided p) = scipy.stats.kendalltau", () => {
  for (const c of fixture.pairs) {
    it(c.name, () => {
      const r = kendallTau(c.x, c.y);
      close(r.tau, c.tau, 1e-12);
      close(r.p, c.p, 1e-10);
      expect(r.n).toBe(c.x.length);
    });
  }

  it("uses the exact distribution without ties for n ≤ 33 and the normal approximation with ties", () => {
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]).method).toBe("exact");
    expect(kendallTau([1, 1, 3, 4], [1, 3, 2, 4]).method).toBe("asymptotic");
  });

  it("exact p for n = 4: the 24 permutations' inversion counts are 1,3,5,6,5,3,1", () => {
    // P(C ≤ 1) = (1 + 3)/24, two-sided ×2
    expect(kendallExactP(4, 1)).toBeCloseTo(8 / 24, 15);
    expect(kendallExactP(4, 2)).toBeCloseTo((2 * 9) / 24, 15);
  });

  it("refuses unequal lengths and non-finite values with a typed error", () => {
    expect(() => kendallTau([1, 2], [1])).toThrow(/x has 2 values, y has 1/);
    expect(() => kendallTau([1, Number.NaN, 3], [1, 2, 3])).toThrow(/pair 1/);
  });
});

describe("spearmanRho (ρ, t-distribution p) = scipy.stats.spearmanr", () => {
  for (const c of fixture.pairs) {
    it(c.name, () => {
      const r = spearmanRho(c.x, c.y);
      close(r.rho, c.rho, 1e-12);
      close(r.p, c.rho_p, 1e-10);
    });
  }
});

describe("benjaminiHochberg = statsmodels multipletests(method='fdr_bh')", () => {
  fixture.bh.forEach((c, i) => {
    it(`family ${i} (m = ${c.p.length})`, () => {
      const q = benjaminiHochberg(c.p);
      for (const [k, v] of q.entries()) close(v, c.q[k] as number, 1e-12);
    });
  });

  it("leaves NaN p-values out of the family", () => {
    const q = benjaminiHochberg([0.01, Number.NaN, 0.04]);
    expect(q[1]).toBeNaN();
    expect(q[0]).toBeCloseTo(0.02, 15);
    expect(q[2]).toBeCloseTo(0.04, 15);
  });
});

describe("stratifiedKendall (within levels of a control variable)", () => {
  for (const c of fixture.stratified) {
    it(c.name, () => {
      const r = stratifiedKendall(c.x, c.y, c.g);
      expect(r.n).toBe(c.n);
      close(r.tau, c.tau, 1e-12);
      close(r.p, c.p, 1e-10);
    });
  }

  it("a confounder that shifts both variables between strata shows no association within them", () => {
    // within each stratum y is x reversed; across strata both rise with the stratum: pooled τ > 0
    const x = [1, 2, 3, 11, 12, 13, 21, 22, 23];
    const y = [3, 2, 1, 13, 12, 11, 23, 22, 21];
    const g = ["a", "a", "a", "b", "b", "b", "c", "c", "c"];
    expect(kendallTau(x, y).tau).toBeGreaterThan(0.4);
    expect(stratifiedKendall(x, y, g).tau).toBeCloseTo(-1, 15);
  });
});
