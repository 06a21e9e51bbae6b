/**
 * Representation windows from step distances (src/trajectory/step-distances.ts): the Frobenius
 * distances of the steps' probe clouds, each pair computed once while windows slide, give the metrics
 * of the window's points themselves (representationWindow, exact engine on its coordinates).
 */
import { describe, expect, it } from "vitest";
import { type PointCloud, pairwiseDistances } from "../../src/core/index.js";
import { representationWindow } from "../../src/trajectory/representation-window.js";
import { frobeniusDistance, StepDistances } from "../../src/trajectory/step-distances.js";
import { windowMetrics } from "../../src/trajectory/window-metrics.js";

/** Probe activations of a drifting layer: step s = base + s·drift·noise (MATH.md's LCG). */
function steps(count: number, n: number, d: number): PointCloud[] {
  let x = 9;
  const u = () => {
    x = (1103515245 * x + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const base = Float64Array.from({ length: n * d }, u);
  const out: PointCloud[] = [];
  let cur = base;
  for (let s = 0; s < count; s++) {
    cur = cur.map((v) => v + 0.05 * (u() - 0.5));
    out.push({ data: cur, n, d });
  }
  return out;
}

describe("step distances", () => {
  const clouds = steps(8, 30, 7);

  it("frobeniusDistance is the Euclidean distance of the flattened steps (209 values: a remainder)", () => {
    const a = { data: clouds[0]!.data.subarray(0, 209), n: 1, d: 209 };
    const b = { data: clouds[5]!.data.subarray(0, 209), n: 1, d: 209 };
    let s = 0;
    for (let i = 0; i < 209; i++) s += (a.data[i]! - b.data[i]!) ** 2;
    expect(Math.abs(frobeniusDistance(a, b) - Math.sqrt(s))).toBeLessThanOrEqual(1e-14 * Math.sqrt(s));
    expect(frobeniusDistance(clouds[3]!, { ...clouds[3]!, data: clouds[3]!.data.slice() })).toBe(0);
  });

  it("a sliding window's matrix: the points' distances; pairs kept across windows, forgotten behind", () => {
    const cache = new StepDistances();
    const idx = [2, 3, 4, 5];
    const m = cache.window(
      "h1",
      idx,
      idx.map((s) => clouds[s]!),
      "w",
    );
    const D = pairwiseDistances(representationWindow(idx.map((s) => clouds[s]!)));
    expect([m.n, m.d]).toEqual([4, 210]);
    for (let i = 0; i < 16; i++)
      expect(Math.abs(m.distances[i]! - D[i]!)).toBeLessThanOrEqual(1e-12 * (1 + D[i]!));
    // a kept pair is read back, not recomputed: change step 3's data and the pair (3, 4) stays
    const changed = { ...clouds[3]!, data: clouds[3]!.data.map((v) => v + 1) };
    const next = cache.window("h1", [3, 4, 5, 6], [changed, clouds[4]!, clouds[5]!, clouds[6]!], "w");
    expect(next.distances[1 * 4 + 0]).toBe(m.distances[2 * 4 + 1]);
    cache.forgetBefore("h1", 4);
    const again = cache.window("h1", [3, 4], [changed, clouds[4]!], "w");
    expect(again.distances[2]).toBe(frobeniusDistance(changed, clouds[4]!)); // recomputed: (3, 4) was dropped
  });

  it("windowMetrics of the step distances = windowMetrics of the window's points (exact engine), rtol 1e-9", () => {
    const window = clouds.slice(0, 6);
    const fromPoints = windowMetrics(representationWindow(window), { mode: "exact" });
    const fromDistances = windowMetrics(new StepDistances().window("h1", [0, 1, 2, 3, 4, 5], window, "w"), {
      mode: "fast",
    });
    expect(Object.keys(fromDistances).sort()).toEqual(Object.keys(fromPoints).sort());
    for (const [k, v] of Object.entries(fromPoints)) {
      if (k === "error_bound") continue; // the exact engine states none
      expect(Math.abs(fromDistances[k]! - v), k).toBeLessThanOrEqual(1e-9 * Math.abs(v));
    }
  });
});
