/**
 * The report flow after collection (pure): features → rows (τ-b, ρ, p, BH q) → verdicts → how-early
 * curves → files (index.html, one how-early SVG per outcome, the rows as a JSON table).
 */
import type { ChartFile, ExperimentReport } from "../adapter-kit.js";
import type { AlertRule } from "../alerts/rule.js";
import { type AlertRuleRow, alertRuleRows } from "./alert-rules.js";
import { type CorrelateOptions, correlateAll } from "./correlate.js";
import { baselineFeatures, magnitudeFeatures } from "./features.js";
import { howEarly } from "./how-early.js";
import { renderHowEarlySvg } from "./how-early-svg.js";
import { renderReportHtml, rowsTableJson } from "./render-html.js";
import type { AtSpec, CorrelationRow, OutcomeSpec, RunData } from "./types.js";
import { verdictFor } from "./verdict.js";

export interface BuiltReport {
  readonly rows: CorrelationRow[];
  readonly verdicts: string[];
  /** One per --alert rule: how often it would have fired on the finished runs, and how they ended. */
  readonly alertRules: AlertRuleRow[];
  readonly report: ExperimentReport;
}

export interface BuildInput {
  readonly title: string;
  readonly runs: readonly RunData[];
  readonly left: readonly { run: string; reason: string }[];
  readonly outcomes: readonly OutcomeSpec[];
  readonly ats: readonly AtSpec[];
  readonly options: CorrelateOptions;
  readonly alertRules?: readonly AlertRule[];
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 80) || "outcome";
}

/** Whether any run holds trajectory-window results (trajectory/… or reptraj/… histories). */
const hasWindows = (runs: BuildInput["runs"]) =>
  runs.some((r) => Object.keys(r.magnitude).some((k) => /^(trajectory|reptraj)\//.test(k)));

function methodNotes(input: BuildInput, familySize: number): string[] {
  const settings = input.runs[0]?.settings ?? {};
  const described = ["magtrack.metric", "magtrack.q", "magtrack.mode", "magtrack.n_scales"]
    .filter((k) => settings[k] !== undefined)
    .map((k) => `${k.slice("magtrack.".length)} = ${settings[k]}`);
  return [
    "Across runs: Kendall τ-b (ties corrected) and Spearman ρ with two-sided p-values, computed as scipy.stats.kendalltau (exact for n ≤ 33 without ties, else the normal approximation) and scipy.stats.spearmanr (t distribution).",
    `Benjamini–Hochberg q over the family of all ${familySize} magnitude rows of this report; baselines (the runs' own metrics at the same step, and numeric params) get no q.`,
    "Outcomes are read at each run's last logged step; features at the --at point: the run's last logged step ≤ fraction × its last step, and as the change since its first logged step (Δ).",
    "dim is the magnitude dimension as magnipy estimates it (the largest slope of log Mag against log t between neighbouring grid scales); dim_fit is the fitted estimator (TAG23 Algorithm 1). On magnitude/ rows neither is the weight-trajectory dimension of Andreeva et al. 2023.",
    ...(hasWindows(input.runs)
      ? [
          "trajectory/<layer>/ rows are windows of logged weight iterates (TAG23 §6), reptraj/<layer>/ rows windows of a layer's last W logged steps (one point per step); each window is measured on its own [0, t_conv] range (docs/trajectory.md). They are magnitude rows like the others (in the BH family).",
        ]
      : []),
    ...(described.length > 0 ? [`Magnitude settings of the first run: ${described.join(", ")}.`] : []),
    ...(input.options.control !== undefined
      ? [
          `--control ${input.options.control}: τ within its levels, pooled as Σ S_k / Σ √((n0−n_x)(n0−n_y)) with a normal p (docs/report.md).`,
        ]
      : []),
  ];
}

export function buildReport(input: BuildInput): BuiltReport {
  const features = [...magnitudeFeatures(input.runs), ...baselineFeatures(input.runs)];
  const { rows, skipped } = correlateAll(input.runs, features, input.outcomes, input.ats, input.options);
  const familySize = rows.filter((r) => r.kind === "magnitude").length;
  const verdicts = input.ats.flatMap((at) => input.outcomes.map((o) => verdictFor(rows, at, o, familySize)));
  const charts = input.outcomes.map((o) => howEarly(input.runs, features, o, input.ats));
  const alertRules = alertRuleRows(input.runs, input.alertRules ?? [], input.outcomes);
  const files: ChartFile[] = [
    {
      path: "index.html",
      contentType: "text/html; charset=utf-8",
      body: renderReportHtml({
        title: input.title,
        verdicts,
        method: methodNotes(input, familySize),
        charts,
        runs: input.runs,
        left: input.left,
        rows,
        skippedRows: skipped.length,
        alertRules,
      }),
    },
    ...charts.map((c) => ({
      path: `how-early-${slug(c.outcome)}.svg`,
      contentType: "image/svg+xml",
      body: renderHowEarlySvg(c),
    })),
    { path: "correlations.json", contentType: "application/json", body: rowsTableJson(rows) },
  ];
  const summary = `${input.title}: ${input.runs.length} runs.\n\n${verdicts.join("\n\n")}`;
  return { rows, verdicts, alertRules, report: { files, entry: "index.html", summary } };
}
