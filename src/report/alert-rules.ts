/**
 * `magtrack report --alert RULE`: would the rule have been worth having? For each rule, on the
 * report's FINISHED runs: on which runs it would have fired (the first step over the run's keys, and
 * that step as a fraction of the run's last magtrack step), and how those runs ended against the
 * runs it did not fire on — the median of each outcome in each group, with each group's n.
 * "outside finished" rules are checked against the other finished runs (the run itself left out,
 * src/alerts/band.ts). Medians of a few runs describe those runs; with fewer than
 * MIN_GROUP runs in a group no comparison is drawn.
 */
import { parseMetricKey, type StepResult } from "../adapter-kit.js";
import type { BandRun, FinishedBand } from "../alerts/band.js";
import { evaluateRules } from "../alerts/evaluate.js";
import { median } from "../alerts/robust-z.js";
import type { AlertRule } from "../alerts/rule.js";
import type { OutcomeSpec, RunData } from "./types.js";
import { fmt } from "./verdict.js";

/** Fewer runs than this in the fired or the not-fired group: the medians are shown, not compared. */
export const MIN_GROUP = 3;

export interface RuleFiring {
  readonly run: string;
  readonly key: string;
  readonly step: number;
  /** step / the run's last step with magtrack results. */
  readonly fraction: number;
}

export interface GroupOutcome {
  readonly n: number;
  readonly median: number | null;
}

export interface AlertRuleRow {
  readonly type: "alert-rule";
  readonly rule: string;
  /** Finished runs checked. */
  readonly runs: number;
  /** Runs it would have fired on, first firing first. */
  readonly fired: readonly RuleFiring[];
  readonly outcomes: readonly { outcome: string; fired: GroupOutcome; not_fired: GroupOutcome }[];
  /** The row in words, saying only what the two n support. */
  readonly summary: string;
}

/** The run's magnitude histories (keyed <family>/<layer>/<name>) back as step results. */
function resultsOf(run: RunData): StepResult[] {
  const out: StepResult[] = [];
  for (const [key, points] of Object.entries(run.magnitude)) {
    const parts = parseMetricKey(key);
    if (parts === null) continue;
    for (const p of points)
      out.push({ layer: parts.layer, step: p.step, metrics: { [parts.name]: p.value } });
  }
  return out;
}

function lastMagnitudeStep(run: RunData): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const points of Object.values(run.magnitude)) for (const p of points) m = Math.max(m, p.step);
  return m;
}

function bandOf(runs: readonly RunData[]): FinishedBand {
  return {
    runs: runs.map(
      (r): BandRun => ({
        id: r.run.id,
        lastStep: lastMagnitudeStep(r),
        series: new Map(
          Object.entries(r.magnitude).map(([k, points]) => [
            k,
            points.filter((p) => Number.isFinite(p.value)),
          ]),
        ),
      }),
    ),
  };
}

function group(runs: readonly RunData[], outcome: OutcomeSpec): GroupOutcome {
  const values = runs
    .map((r) => outcome.value(r))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  return { n: values.length, median: values.length > 0 ? median(values) : null };
}

function words(row: Omit<AlertRuleRow, "summary">): string {
  const head = `"${row.rule}"`;
  if (row.runs === 0) return `${head}: no finished run to check.`;
  if (row.fired.length === 0) return `${head} would not have fired on any of the ${row.runs} finished runs.`;
  const first = row.fired
    .map((f) => `${f.run} (${f.key} at step ${f.step}, ${Math.round(f.fraction * 1000) / 10} % of training)`)
    .join(", ");
  const parts = row.outcomes.map((o) => {
    const show = (g: GroupOutcome) => `${g.median === null ? "—" : fmt(g.median, 3)} (n = ${g.n})`;
    const compared = `median ${o.outcome} ${show(o.fired)} where it fired, ${show(o.not_fired)} where it did not`;
    return Math.min(o.fired.n, o.not_fired.n) < MIN_GROUP
      ? `${compared}; fewer than ${MIN_GROUP} runs in a group, so this says nothing about whether the rule separates outcomes`
      : `${compared}; a description of these ${o.fired.n + o.not_fired.n} runs, not a test`;
  });
  return `${head} would have fired on ${row.fired.length} of ${row.runs} finished runs: ${first}.${parts.length > 0 ? ` ${parts.join("; ")}.` : ""}`;
}

export function alertRuleRows(
  runs: readonly RunData[],
  rules: readonly AlertRule[],
  outcomes: readonly OutcomeSpec[],
): AlertRuleRow[] {
  const finished = runs.filter((r) => r.run.status === "finished");
  const band = bandOf(finished);
  return rules.map((rule) => {
    const fired: RuleFiring[] = [];
    const firedIds = new Set<string>();
    for (const r of finished) {
      const alerts = evaluateRules(r.run.id, [rule], resultsOf(r), { status: "finished", band });
      if (alerts.length === 0) continue;
      const first = alerts.reduce((a, b) => (b.step < a.step ? b : a));
      const last = lastMagnitudeStep(r);
      fired.push({
        run: r.run.displayName ?? r.run.id,
        key: first.key,
        step: first.step,
        fraction: last > 0 ? first.step / last : 0,
      });
      firedIds.add(r.run.id);
    }
    fired.sort((a, b) => a.fraction - b.fraction || a.run.localeCompare(b.run));
    const yes = finished.filter((r) => firedIds.has(r.run.id));
    const no = finished.filter((r) => !firedIds.has(r.run.id));
    const row = {
      type: "alert-rule" as const,
      rule: rule.text,
      runs: finished.length,
      fired,
      outcomes: outcomes.map((o) => ({ outcome: o.name, fired: group(yes, o), not_fired: group(no, o) })),
    };
    return { ...row, summary: words(row) };
  });
}
