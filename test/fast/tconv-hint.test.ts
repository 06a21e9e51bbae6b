/**
 * Issue 16: t_conv of a sequence's next cloud searched from where the previous one lay
 * (src/core/fast/tconv-hints.ts): fewer probes, the same t_conv as the exact engine (within 1e-9
 * relative), also when the "previous" cloud was nothing like this one.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { driftingRun } from "../../bench/drifting-clouds.js";
import { fastDistances, fastEngine } from "../../src/core/fast/engine.js";
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

describe("the bracket seed (1/median distance) of a sequence's later steps", () => {
  beforeEach(() => clearTConvHints());
  const clouds = drifting(400, 2);

  /** The fast engine's distance context of `pc`, counting reads of its median (the seed's only input). */
  function countingContext(pc: PointCloud) {
    const ctx = fastDistances(pc, "euclidean")!;
    const stats = ctx.stats;
    let reads = 0;
    const counted = {
      min: stats.min,
      max: stats.max,
      get median() {
        reads++;
        return stats.median;
      },
    };
    Object.defineProperty(ctx, "stats", { value: counted });
    return { ctx, reads: () => reads };
  }

  it("is not computed when t_conv starts from the previous step's value, and is without a hint", () => {
    const cold = countingContext(clouds[1]!);
    const coldT = fastEngine.tConv(cold.ctx, 0.95, 1e-10, {});
    expect(cold.reads()).toBeGreaterThan(0);
    computeProfile(clouds[0]!, { sequence: "r/h1" });
    const warm = countingContext(clouds[1]!);
    const warmT = fastEngine.tConv(warm.ctx, 0.95, 1e-10, { sequence: "r/h1" });
    expect(warm.reads()).toBe(0);
    expect(Math.abs(warmT.tConv - coldT.tConv) / coldT.tConv).toBeLessThan(1e-9);
  });
});
