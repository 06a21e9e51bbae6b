/**
 * Synthetic results for the chart tests. Curves use the closed form for n points pairwise at
 * distance d (MATH.md): Mag(tX) = n / (1 + (n − 1)·e^(−t·d)), sampled on linspace(0, T, 30).
 */
import type { LayerReference, StepResult } from "../../src/adapter-kit.js";

export function equidistantMagnitude(n: number, d: number, t: number): number {
  return n / (1 + (n - 1) * Math.exp(-t * d));
}

export function linspace(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => a + ((b - a) * i) / (count - 1));
}

export function reference(layer: string, T: number): LayerReference {
  return { layer, T, step: 0, source: "t_conv(q=0.95)@step" };
}

/** One result per step; the spread d grows with the step, so later curves rise faster. */
export function trainingResults(layer: string, steps: readonly number[], T: number, n = 20): StepResult[] {
  return steps.map((step, k) => {
    const d = 0.5 + 0.3 * k;
    const t = linspace(0, T, 30);
    const magnitude = t.map((x) => equidistantMagnitude(n, d, x));
    return {
      layer,
      step,
      metrics: { area: 1 + k, t_conv: 10 / (1 + k), dim: 1 + 0.1 * k, diff_ref: 0.5 * k, n_distinct: n },
      curve: { t, magnitude },
    };
  });
}
