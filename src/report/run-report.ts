/**
 * `magtrack report` as a library call: collect the experiment's runs, build the report, store it
 * where the tracker keeps such things (when the adapter can), and return rows, verdicts and where it went.
 */
import type { RunFilter, TrackerAdapter } from "../adapter-kit.js";
import type { AlertRule } from "../alerts/rule.js";
import { MagtrackError } from "../core/errors.js";
import { updateRunIndex } from "../run-index/update.js";
import type { AlertRuleRow } from "./alert-rules.js";
import { buildReport } from "./build-report.js";
import { collectRuns } from "./collect.js";
import type { CorrelateOptions } from "./correlate.js";
import { MIN_RUNS } from "./features.js";
import type { AtSpec, CorrelationRow, OutcomeSpec } from "./types.js";

export interface ReportRequest {
  readonly adapter: TrackerAdapter;
  readonly filter: RunFilter;
  readonly outcomes: readonly OutcomeSpec[];
  readonly ats: readonly AtSpec[];
  readonly options?: CorrelateOptions;
  /** Compute and print, but store nothing. */
  readonly dryRun?: boolean;
  readonly title?: string;
  readonly signal?: AbortSignal;
  /** --alert rules: how often each would have fired on the finished runs (src/report/alert-rules.ts). */
  readonly alertRules?: readonly AlertRule[];
}

export interface ReportOutcome {
  readonly runs: number;
  readonly left: readonly { run: string; reason: string }[];
  readonly rows: readonly CorrelationRow[];
  readonly verdicts: readonly string[];
  readonly alertRules: readonly AlertRuleRow[];
  /** Where the report went; null when it was not stored, with the reason. */
  readonly location: string | null;
  readonly notStored?: string;
}

export async function runReport(req: ReportRequest): Promise<ReportOutcome> {
  if (req.outcomes.length === 0) {
    throw new MagtrackError(
      "usage",
      "REPORT_NO_OUTCOME",
      "magtrack report: name what to predict with --outcome KEY (e.g. test_accuracy) or --gap TRAIN_KEY:TEST_KEY",
    );
  }
  const { runs, left } = await collectRuns(req.adapter, req.filter, req.signal);
  if (runs.length < MIN_RUNS) {
    return {
      runs: runs.length,
      left,
      rows: [],
      alertRules: [],
      verdicts: [
        `Nothing to report: ${runs.length} run${runs.length === 1 ? "" : "s"} with magnitude results (at least ${MIN_RUNS} are needed to rank runs).`,
      ],
      location: null,
      notStored: "too few runs",
    };
  }
  const built = buildReport({
    title: req.title ?? `magtrack report (${req.adapter.name})`,
    runs,
    left,
    outcomes: req.outcomes,
    ats: req.ats,
    options: req.options ?? {},
    ...(req.alertRules ? { alertRules: req.alertRules } : {}),
  });
  const base = {
    runs: runs.length,
    left,
    rows: built.rows,
    verdicts: built.verdicts,
    alertRules: built.alertRules,
  };
  if (req.dryRun) return { ...base, location: null, notStored: "--dry-run" };
  if (req.adapter.writeExperimentReport === undefined) {
    return {
      ...base,
      location: null,
      notStored: `the ${req.adapter.name} adapter cannot store a report yet`,
    };
  }
  const where = await req.adapter.writeExperimentReport(built.report, req.signal);
  // The index page across runs links the report: refresh it now that there is one (docs/views.md).
  await updateRunIndex(req.adapter, {
    dryRun: false,
    emit: () => {},
    ...(req.signal ? { signal: req.signal } : {}),
  });
  return { ...base, location: where.location };
}
