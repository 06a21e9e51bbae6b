/** A run's results as one step-ordered series of finite values per metric key "<family>/<layer>/<name>". */
import { metricKey, type StepResult } from "../adapter-kit.js";

export interface Series {
  readonly key: string;
  readonly layer: string;
  readonly points: { step: number; value: number }[];
}

/** key → step-ordered finite values (non-finite values are left out: no rule fires on NaN). */
export function seriesOf(results: readonly StepResult[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const r of results) {
    for (const [name, value] of Object.entries(r.metrics)) {
      if (!Number.isFinite(value)) continue;
      const key = metricKey(r.layer, name, r.family ?? "magnitude");
      const s = byKey.get(key) ?? { key, layer: r.layer, points: [] };
      byKey.set(key, s);
      s.points.push({ step: r.step, value });
    }
  }
  for (const s of byKey.values()) s.points.sort((a, b) => a.step - b.step);
  return [...byKey.values()];
}

/** The largest step of any result (−∞ for none): where the run's results end. */
export function lastResultStep(results: readonly StepResult[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const r of results) m = Math.max(m, r.step);
  return m;
}
