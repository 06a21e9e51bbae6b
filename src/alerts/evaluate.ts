/**
 * Rules over one run's results (written + new): for each (rule, metric key) the FIRST step where the
 * rule holds. Later steps of the same key do not fire again (one alert per run, rule and key).
 */
import type { AlertRecord, RunStatus, StepResult } from "../adapter-kit.js";
import { alertId } from "./alert-id.js";
import { bandAt, type FinishedBand, trainingLength } from "./band.js";
import { globMatcher } from "./parse-rule.js";
import { robustZ } from "./robust-z.js";
import type { AlertCondition, AlertRule } from "./rule.js";
import { lastResultStep, type Series, seriesOf } from "./series.js";

/** What rules beyond the run's own series need: the finished runs' band ("outside finished"). */
export interface EvaluationContext {
  readonly status?: RunStatus;
  /** Absent: "outside finished" rules are not evaluated (no band was loaded). */
  readonly band?: FinishedBand;
}

/** Where the run stands in training and what the finished runs give there. */
interface BandView {
  readonly band: FinishedBand;
  readonly runId: string;
  /** L of the checked run (src/alerts/band.ts). */
  readonly length: number;
}

/** Index of the first point where the condition holds, with a word on why; null when it never does. */
function firstFiring(
  condition: AlertCondition,
  series: Series,
  view: BandView | null,
): { index: number; detail: string } | null {
  const points = series.points;
  if (condition.kind === "outside") return view ? firstOutside(series, view) : null;
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

function firstOutside(series: Series, view: BandView): { index: number; detail: string } | null {
  for (let index = 0; index < series.points.length; index++) {
    const { step, value } = series.points[index]!;
    const fraction = step / view.length;
    const band = bandAt(view.band, series.key, fraction, view.runId);
    if (band === null || (value >= band.lo && value <= band.hi)) continue;
    const percent = Math.round(fraction * 1000) / 10;
    return {
      index,
      detail: `${value} outside [${band.lo}, ${band.hi}] of ${band.n} finished runs at ${percent} % of training`,
    };
  }
  return null;
}

export function evaluateRules(
  runId: string,
  rules: readonly AlertRule[],
  results: readonly StepResult[],
  context: EvaluationContext = {},
): AlertRecord[] {
  const series = seriesOf(results);
  const length = context.band
    ? trainingLength(context.band, runId, context.status ?? "finished", lastResultStep(results))
    : null;
  const view = context.band && length !== null ? { band: context.band, runId, length } : null;
  const out: AlertRecord[] = [];
  for (const rule of rules) {
    const matches = globMatcher(rule.glob);
    for (const s of series) {
      if (!matches(s.key)) continue;
      const hit = firstFiring(rule.condition, s, view);
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
