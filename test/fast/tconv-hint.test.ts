/**
 * t_conv started from a close cloud's value (ProfileOptions.tConvHint, src/core/fast/tconv-fast.ts):
 * on drifting ReLU clouds (bench/drifting-clouds.ts, the bench's realistic steps at small n) the
 * hinted search lands on the cold search's t_conv within its tolerance (rtol 1e-10 in log t) and on
 * the exact engine's as closely as the cold one does, with fewer probes; a far or invalid hint costs
 * probes, never the value.
 */
import { describe, expect, it } from "vitest";
import { driftingRun } from "../../bench/drifting-clouds.js";
import { computeProfile, type PointCloud, tConvOf } from "../../src/core/index.js";

const n = 300;
const clouds: PointCloud[] = [...driftingRun({ n, steps: 6, drift: 0.01, seed: 1 })].map(([, l]) => ({
  data: l.h2,
  n,
  d: 64,
}));
const tConvOnly = { mode: "fast", nScales: 3 } as const;
const rel = (a: number, b: number) => Math.abs(a - b) / b;

describe("t_conv from the previous step's value", () => {
  const cold = clouds.map((c) => computeProfile(c, tConvOnly));

  it("agrees with the cold search within its tolerance and with the exact engine as closely, in fewer probes", () => {
    let coldProbes = 0;
    let hintedProbes = 0;
    for (let s = 1; s < clouds.length; s++) {
      const hinted = computeProfile(clouds[s]!, { ...tConvOnly, tConvHint: cold[s - 1]!.tConv! });
      const exact = tConvOf(clouds[s]!, 0.95, { mode: "exact" }).tConv;
      // the search stops when its Newton step in log t is below rtol = 1e-10
      expect(rel(hinted.tConv!, cold[s]!.tConv!)).toBeLessThanOrEqual(1e-9);
      expect(rel(hinted.tConv!, exact)).toBeLessThanOrEqual(Math.max(1e-9, 2 * rel(cold[s]!.tConv!, exact)));
      coldProbes += cold[s]!.tConvInfo!.iterations!;
      hintedProbes += hinted.tConvInfo!.iterations!;
    }
    expect(hintedProbes).toBeLessThan(coldProbes);
  });

  it("a hint 100× off either way, or an invalid one, still gives the cold value", () => {
    const t = cold[2]!.tConv!;
    for (const hint of [t * 100, t / 100, Number.NaN, 0, -t, Number.POSITIVE_INFINITY]) {
      const p = computeProfile(clouds[2]!, { ...tConvOnly, tConvHint: hint });
      expect(rel(p.tConv!, t), `hint ${hint}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it("the hint is in the data's units: a cloud scaled by 8 takes a hint scaled by 1/8", () => {
    const c = clouds[3]!;
    const scaled = { ...c, data: c.data.map((x) => 8 * x) };
    const p = computeProfile(scaled, { ...tConvOnly, tConvHint: cold[2]!.tConv! / 8 });
    expect(rel(8 * p.tConv!, cold[3]!.tConv!)).toBeLessThanOrEqual(1e-9);
    expect(p.tConvInfo!.iterations!).toBeLessThan(cold[3]!.tConvInfo!.iterations!);
  });
});
