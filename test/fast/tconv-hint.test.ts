/**
 * Issue 16: t_conv of a sequence's next cloud searched from where the previous one lay
 * (src/core/fast/tconv-hints.ts): fewer probes, the same t_conv as the exact engine (within 1e-9
 * relative), also when the "previous" cloud was nothing like this one.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { driftingRun } from "../../bench/drifting-clouds.js";
import { clearTConvHints } from "../../src/core/fast/tconv-hints.js";
import { computeProfile, tConvOf } from "../../src/core/index.js";
import type { PointCloud } from "../../src/core/types.js";

function drifting(n: number, steps: number): PointCloud[] {
  const out: PointCloud[] = [];
  for (const [, layers] of driftingRun({ n, steps, drift: 0.01, seed: 5 }))
    out.push({ n, d: 64, data: layers.h1 });
  return out;
}

describe("t_conv started from the sequence's previous value", () => {
  beforeEach(() => clearTConvHints());
  const clouds = drifting(400, 3);

  it("takes fewer probes and agrees with the exact engine", () => {
    const cold = computeProfile(clouds[1]!, {});
    computeProfile(clouds[0]!, { sequence: "r/h1" });
    const warm = computeProfile(clouds[1]!, { sequence: "r/h1" });
    expect(warm.tConvInfo!.iterations!).toBeLessThan(cold.tConvInfo!.iterations!);
    const exact = tConvOf(clouds[1]!, 0.95, { mode: "exact" }).tConv;
    expect(Math.abs(warm.tConv! - exact) / exact).toBeLessThan(1e-9);
  });

  it("finds t_conv when the previous cloud of the sequence was another one entirely", () => {
    // the hint is the t_conv of a cloud 64× smaller (in its own units the same, so spread the rows too)
    const small = { ...clouds[0]!, data: clouds[0]!.data.map((x, i) => (i % 64 < 2 ? x : x / 64)) };
    computeProfile(small, { sequence: "s", q: 0.95 });
    const p = computeProfile(clouds[2]!, { sequence: "s", q: 0.95 });
    const exact = tConvOf(clouds[2]!, 0.95, { mode: "exact" }).tConv;
    expect(Math.abs(p.tConv! - exact) / exact).toBeLessThan(1e-9);
  });
});
