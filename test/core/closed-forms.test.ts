/** Closed forms of MATH.md (and golden oracles.json) at many t; limits t → 0 and t → ∞. */
import { describe, expect, it } from "vitest";
import {
  magnitudeAtScale,
  magnitudeFunction,
  type PointCloud,
  pairwiseDistances,
} from "../../src/core/index.js";
import { loadOracles, maxRelErr, relErr } from "./golden-data.js";

const TS = [1e-3, 0.01, 0.05, 0.1, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 50, 100];
const O = loadOracles();

function line(xs: number[]): PointCloud {
  return { data: Float64Array.from(xs), n: xs.length, d: 1 };
}

/** Regular simplex with pairwise distance s: s/√2 · e_i in R^n. */
function simplex(n: number, s: number): PointCloud {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = s / Math.SQRT2;
  return { data, n, d: n };
}

function circle(n: number, r: number): PointCloud {
  const data = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    data[2 * k] = r * Math.cos((2 * Math.PI * k) / n);
    data[2 * k + 1] = r * Math.sin((2 * Math.PI * k) / n);
  }
  return { data, n, d: 2 };
}

describe("closed forms", () => {
  it("two points at distance d: 2/(1 + e^(−td)), rtol 1e-13 over 14 scales × 3 distances", () => {
    for (const d of [0.01, 1, 37]) {
      const mf = magnitudeFunction({ data: Float64Array.from([0, 0, d * 0.6, d * 0.8]), n: 2, d: 2 }, TS);
      expect(
        maxRelErr(
          mf.magnitude,
          TS.map((t) => 2 / (1 + Math.exp(-t * d))),
        ),
      ).toBeLessThan(1e-13);
    }
  });

  it("sorted points on a line: 1 + Σ tanh(t·gap/2) (oracle's 7 points and an unsorted input)", () => {
    const x: number[] = O.real_line_7pts.x;
    const closed = (t: number): number => {
      let s = 1;
      for (let i = 0; i + 1 < x.length; i++) s += Math.tanh((t * (x[i + 1] - x[i])) / 2);
      return s;
    };
    // rtol 1e-12 is the exact engine's promise (the fast one states 1e-9 or its bound: test/fast)
    const mf = magnitudeFunction(line([...x].reverse()), TS, { mode: "exact" });
    // cond(Z_t) grows like 1/(t·min gap) as t → 0; at t = 1e-3 Z is near-singular (gap 0.05) → 1e-10
    TS.forEach((t, i) => {
      expect(relErr(mf.magnitude[i], closed(t))).toBeLessThan(t < 0.05 ? 1e-10 : 1e-12);
    });
    const fromOracle = magnitudeFunction(line(x), O.real_line_7pts.ts);
    expect(maxRelErr(fromOracle.magnitude, O.real_line_7pts.closed_form)).toBeLessThan(1e-12);
  });

  it("regular simplex: n/(1 + (n−1)e^(−td)), n = 10 (oracle) and n = 25", () => {
    const o = O.simplex_n10_d1;
    expect(maxRelErr(magnitudeFunction(simplex(10, 1), o.ts).magnitude, o.closed_form)).toBeLessThan(1e-12);
    const mf = magnitudeFunction(simplex(25, 2.5), TS);
    expect(
      maxRelErr(
        mf.magnitude,
        TS.map((t) => 25 / (1 + 24 * Math.exp(-t * 2.5))),
      ),
    ).toBeLessThan(1e-12);
  });

  it("equispaced circle (homogeneous): n/Σ_j e^(−t·d(x1,xj))", () => {
    const n = 100;
    const pc = circle(n, 1);
    const D = pairwiseDistances(pc);
    const closed = (t: number): number => {
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(-t * 2 * Math.sin((Math.PI * j) / n));
      return n / s;
    };
    const ts = [0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 300];
    // Z_t of 100 points on a circle is badly conditioned for small t (cond ≈ 1e12 at t = 0.1):
    // measured agreement 1e-10 there; 1e-12 from t = 1 on.
    ts.forEach((t) => {
      const m = magnitudeAtScale(D, n, t).magnitude;
      expect(relErr(m, closed(t))).toBeLessThan(t < 1 ? 1e-9 : 1e-12);
    });
    const o = O.circle_n100_homogeneous;
    o.ts.forEach((t: number, i: number) => {
      expect(relErr(magnitudeAtScale(D, n, t).magnitude, o.closed_form_n_over_rowsum[i])).toBeLessThan(
        t < 1 ? 1e-9 : 1e-12,
      );
    });
  });

  it("limits: Mag → 1 as t → 0 and → n as t → ∞", () => {
    const pc = circle(12, 3);
    const small = magnitudeFunction(pc, [0, 1e-9, 1e-6]);
    expect(small.magnitude[0]).toBe(1);
    expect(small.solveInfo[0].solver).toBe("closed-form");
    expect(Math.abs(small.magnitude[1] - 1)).toBeLessThan(1e-6);
    expect(small.magnitude[2] - 1).toBeGreaterThan(0);
    expect(small.magnitude[2] - 1).toBeLessThan(1e-3);
    // min distance 6·sin(π/12) ≈ 1.55: at t = 10, n − Mag ≈ Σ_{i≠j} e^(−t·d_ij) ≈ 4.4e-6
    const big = magnitudeFunction(pc, [10, 1e4, 1e300]);
    expect(12 - big.magnitude[0]).toBeGreaterThan(1e-6);
    expect(12 - big.magnitude[0]).toBeLessThan(1e-5);
    expect(big.magnitude[1]).toBe(12);
    expect(big.magnitude[2]).toBe(12);
  });
});
