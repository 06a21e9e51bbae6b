/**
 * `magtrack report`: does magnitude predict generalisation in this experiment? Rank correlations of
 * every run's magnitude metrics (and, as baselines, its own metrics and numeric params) with the
 * outcomes, at several points of training; a verdict in words; a report stored in the tracker.
 * --json: one {"type": "correlation", …} line per row, then one {"type": "report", "location": …} line.
 */
import { parseAlertRules } from "../../alerts/parse-rule.js";
import { parseAt } from "../../report/at.js";
import { gapOutcome, metricOutcome } from "../../report/features.js";
import { runReport } from "../../report/run-report.js";
import { EXIT_OK } from "../exit-codes.js";
import type { CliContext } from "../io.js";
import { runFilterFromArgs } from "../options.js";
import { createTrackerAdapter, type TrackerArgs } from "../tracker.js";

export interface ReportArgs extends TrackerArgs {
  outcome?: string[];
  gap?: string[];
  at: string;
  control?: string;
  json: boolean;
  dryRun: boolean;
  runs?: string[];
  since?: string;
  until?: string;
  status?: string[];
  alert?: string[];
}

function jsonNumber(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}

export async function runReportCommand(args: ReportArgs, ctx: CliContext): Promise<number> {
  const ats = parseAt(args.at);
  const alertRules = parseAlertRules(args.alert);
  const outcomes = [...(args.outcome ?? []).map(metricOutcome), ...(args.gap ?? []).map(gapOutcome)];
  const adapter = await createTrackerAdapter(args, ctx);
  try {
    const result = await runReport({
      adapter,
      filter: runFilterFromArgs(args),
      outcomes,
      ats,
      ...(args.control === undefined ? {} : { options: { control: args.control } }),
      dryRun: args.dryRun,
      signal: ctx.signal,
      ...(alertRules.length > 0 ? { alertRules } : {}),
    });
    if (args.json) {
      for (const r of result.rows) {
        ctx.stdout(
          `${JSON.stringify({
            type: "correlation",
            feature: r.feature,
            kind: r.kind,
            at: r.at,
            outcome: r.outcome,
            n: r.n,
            tau: jsonNumber(r.tau),
            p: jsonNumber(r.p),
            rho: jsonNumber(r.rho),
            rho_p: jsonNumber(r.rho_p),
            q: jsonNumber(r.q),
            ...(r.T_distinct === undefined ? {} : { T_distinct: r.T_distinct }),
            ...(r.tau_within === undefined
              ? {}
              : { tau_within: jsonNumber(r.tau_within), p_within: jsonNumber(r.p_within), strata: r.strata }),
          })}\n`,
        );
      }
      for (const a of result.alertRules) {
        ctx.stdout(
          `${JSON.stringify({
            ...a,
            outcomes: a.outcomes.map((o) => ({
              outcome: o.outcome,
              fired: { n: o.fired.n, median: jsonNumber(o.fired.median) },
              not_fired: { n: o.not_fired.n, median: jsonNumber(o.not_fired.median) },
            })),
          })}\n`,
        );
      }
      ctx.stdout(
        `${JSON.stringify({
          type: "report",
          location: result.location,
          runs: result.runs,
          ...(result.notStored ? { not_stored: result.notStored } : {}),
        })}\n`,
      );
    } else {
      ctx.stdout(
        `${result.runs} runs compared${result.left.length > 0 ? `, ${result.left.length} left out` : ""}.\n`,
      );
      for (const l of result.left) ctx.stdout(`  left out: ${l.run}: ${l.reason}\n`);
      for (const v of result.verdicts) ctx.stdout(`\n${v}\n`);
      for (const a of result.alertRules) ctx.stdout(`\n${a.summary}\n`);
      ctx.stdout(
        result.location !== null
          ? `\nReport: ${result.location}\n`
          : `\nReport not stored: ${result.notStored ?? "unknown reason"}.\n`,
      );
    }
    return EXIT_OK;
  } finally {
    await adapter.close?.();
  }
}
