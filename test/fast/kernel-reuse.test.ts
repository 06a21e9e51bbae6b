/**
 * The fast engine reuses one kernel memory per thread across clouds (src/core/fast/kernel-reuse.ts):
 * values must not depend on what an earlier cloud left in that memory, and a cloud whose workspace was
 * taken over by a later one must still evaluate correctly (its workspace is rebuilt from D).
 */
import { describe, expect, it } from "vitest";
import { pairwiseDistances } from "../../src/core/distances.js";
import type { DistanceContext } from "../../src/core/engine.js";
import { fastEngine } from "../../src/core/fast/engine.js";
import { LazyDistances } from "../../src/core/fast/lazy-distances.js";
import { computeProfile, type PointCloud } from "../../src/core/index.js";
import { lcgCloud } from "../helpers/clouds.js";

function contextOf(pc: PointCloud): DistanceContext {
  return fastEngine.distances(pc, "euclidean")!;
}

describe("kernel memory reused across clouds", () => {
  it("a profile is bit-identical whatever cloud ran before it on this thread", () => {
    const small = lcgCloud(120, 5, 3);
    const large = lcgCloud(260, 9, 4);
    const first = computeProfile(small, { mode: "fast" });
    computeProfile(large, { mode: "fast" }); // grows and fills the shared memory with other values
    const again = computeProfile(small, { mode: "fast" });
    expect(Array.from(again.magnitude)).toEqual(Array.from(first.magnitude));
    expect(again.tConv).toBe(first.tConv);
    expect(again.solveInfo).toEqual(first.solveInfo);
  });

  it("a cloud whose kernel memory another cloud took over still evaluates to the same values", () => {
    const a = lcgCloud(150, 4, 5);
    const b = lcgCloud(150, 4, 6);
    const scales = Float64Array.from([0, 0.5, 1, 2, 4, 8]);
    const ctxA = contextOf(a);
    const before = fastEngine.evaluateScales(ctxA, scales, { weights: false }).map((r) => r.magnitude);
    const ctxB = contextOf(b); // leases the memory that held A's workspace
    const valuesB = fastEngine.evaluateScales(ctxB, scales, { weights: false }).map((r) => r.magnitude);
    const after = fastEngine.evaluateScales(ctxA, scales, { weights: false }).map((r) => r.magnitude);
    expect(after).toEqual(before);
    expect(valuesB).not.toEqual(before); // B really is another cloud
    expect(fastEngine.evaluateScales(ctxB, scales, { weights: false }).map((r) => r.magnitude)).toEqual(
      valuesB,
    );
  });

  it("the full distance matrix, built on demand, is the same whether or not the memory was taken over", () => {
    const a = lcgCloud(140, 7, 8);
    const revoked = contextOf(a);
    contextOf(lcgCloud(90, 3, 9)); // takes the kernel memory: `revoked` must recompute D from its points
    const live = contextOf(a);
    const fromLive = live.D;
    expect(Array.from(revoked.D)).toEqual(Array.from(fromLive));
    const direct = pairwiseDistances(a, "euclidean");
    let worst = 0;
    for (let k = 0; k < direct.length; k++) {
      if (direct[k]! > 0) worst = Math.max(worst, Math.abs(fromLive[k]! - direct[k]!) / direct[k]!);
      else expect(fromLive[k]).toBe(0);
    }
    expect(worst).toBeLessThan(1e-12);
    expect(live.stats.min).toBe(revoked.stats.min);
  });

  it("a fast profile's grid and t_conv do not build the full distance matrix", () => {
    const ctx = contextOf(lcgCloud(200, 6, 10)) as LazyDistances;
    expect(ctx).toBeInstanceOf(LazyDistances);
    const t = fastEngine.tConv(ctx, 0.95, 1e-10).tConv;
    fastEngine.evaluateScales(ctx, Float64Array.from([0, t / 4, t / 2, t]), { weights: false });
    expect(ctx.materialised).toBe(false);
    ctx.D; // the exact engine's fallbacks and split profiles ask for it
    expect(ctx.materialised).toBe(true);
  });
});
