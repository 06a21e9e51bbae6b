/**
 * The fast engine against closed forms (MATH.md oracles): sorted points on a line, Mag = 1 + Σ tanh(t·gap/2),
 * and equispaced points on a circle, Mag = n / Σ_j e^(−t·d(x_1, x_j)). Each value within 1e-9 relative
 * or within the error bound it states.
 */
import { describe, expect, it } from "vitest";
import { magnitudeFunction, type PointCloud } from "../../src/core/index.js";

const TS = [1e-3, 0.01, 0.05, 0.1, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 50, 100];

function expectClose(
  values: Float64Array,
  bounds: (number | undefined)[],
  closed: (t: number) => number,
): void {
  TS.forEach((t, i) => {
    const exact = closed(t);
    const err = Math.abs(values[i] - exact);
    expect(err <= 1e-9 * exact || err <= (bounds[i] ?? 0)).toBe(true);
  });
}

describe("fast engine against closed forms", () => {
  it("points on a line (unsorted input, 40 points with uneven gaps)", () => {
    const x = Array.from({ length: 40 }, (_, i) => i * 0.3 + 0.1 * Math.sin(i * 1.7));
    const pc: PointCloud = { data: Float64Array.from([...x].reverse()), n: x.length, d: 1 };
    const mf = magnitudeFunction(pc, TS, { mode: "fast" });
    expectClose(
      mf.magnitude,
      mf.solveInfo.map((s) => s.errorBound),
      (t) => {
        let s = 1;
        for (let i = 0; i + 1 < x.length; i++) s += Math.tanh((t * (x[i + 1] - x[i])) / 2);
        return s;
      },
    );
  });

  it("equispaced points on a circle (homogeneous space)", () => {
    const n = 64;
    const r = 3;
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      data[2 * i] = r * Math.cos((2 * Math.PI * i) / n);
      data[2 * i + 1] = r * Math.sin((2 * Math.PI * i) / n);
    }
    const mf = magnitudeFunction({ data, n, d: 2 }, TS, { mode: "fast" });
    expectClose(
      mf.magnitude,
      mf.solveInfo.map((s) => s.errorBound),
      (t) => {
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.exp(-t * 2 * r * Math.sin((Math.PI * j) / n));
        return n / s;
      },
    );
  });
});
