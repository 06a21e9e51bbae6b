/**
 * Rules over one run's results (written + new): for each (rule, metric key) the FIRST step where the
 * rule holds. Later steps of the same key do not fire again (one alert per run, rule and key).
 */
import { type AlertRecord, metricKey, type StepResult } from "../adapter-kit.js";
import { alertId } from "./alert-id.js";
import { globMatcher } from "./parse-rule.js";
import { robustZ } from "./robust-z.js";
import type { AlertCondition, AlertRule } from "./rule.js";

interface Series {
  readonly key: string;
  readonly layer: string;
  readonly points: { step: number; value: number }[];
}

/** key → step-ordered finite values. */
function seriesOf(results: readonly StepResult[]): Series[] {
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

/** Index of the first point where the condition holds, with a word on why; null when it never does. */
function firstFiring(
  condition: AlertCondition,
  points: readonly { value: number }[],
): { index: number; detail: string } | null {
  if (condition.kind === "threshold") {
    const { op, bound } = condition;
    const holds = (v: number) =>
      op === ">" ? v > bound : op === "<" ? v < bound : op === ">=" ? v >= bound : v <= bound;
    const index = points.findIndex((p) => holds(p.value));
    return index < 0 ? null : { index, detail: `${points[index]!.value} ${op} ${bound}` };
  }
  const changes = points.slice(1).map((p, i) => p.value - points[i]!.value);
  for (let k = condition.minHistory; k < changes.length; k++) {
    const history = changes.slice(Math.max(0, k - condition.window), k);
    const z = robustZ(changes[k]!, history);
    if (z > condition.z) {
      return {
        index: k + 1,
        detail: `change ${changes[k]} vs the previous ${history.length}: robust z ${Number.isFinite(z) ? z.toFixed(2) : "∞"} > ${condition.z}`,
      };
    }
  }
  return null;
}

export function evaluateRules(
  runId: string,
  rules: readonly AlertRule[],
  results: readonly StepResult[],
): AlertRecord[] {
  const series = seriesOf(results);
  const out: AlertRecord[] = [];
  for (const rule of rules) {
    const matches = globMatcher(rule.glob);
    for (const s of series) {
      if (!matches(s.key)) continue;
      const hit = firstFiring(rule.condition, s.points);
      if (!hit) continue;
      const point = s.points[hit.index]!;
      out.push({
        id: alertId(runId, rule.text, s.key),
        rule: rule.text,
        key: s.key,
        layer: s.layer,
        step: point.step,
        value: point.value,
        detail: hit.detail,
      });
    }
  }
  return out;
}
