/**
 * The alert step of a run's sync: evaluate the rules on the run's results (written + new), drop what
 * the tracker already holds, record each new alert in the tracker, then announce it (NDJSON `alert`
 * event). Recording first: a kill between the two loses the announcement, never doubles the alert
 * (docs/alerts.md). An adapter without an alert store still announces, every sync (said once).
 */
import type { AlertRecord, RunRef, StepResult, TrackerAdapter } from "../adapter-kit.js";
import type { EventSink } from "../sync/events.js";
import { evaluateRules } from "./evaluate.js";
import type { BandSource } from "./finished-band.js";
import type { AlertRule } from "./rule.js";

export interface AlertContext {
  readonly rules: readonly AlertRule[];
  readonly emit: EventSink;
  /** Extra delivery after the record (e.g. the --alert-webhook POST); its failures are its own. */
  readonly deliver?: (run: RunRef, alert: AlertRecord, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  /** The experiment's finished runs, for "outside finished" rules (loaded once per sync). */
  readonly band?: BandSource;
}

/**
 * What the rules fire on these results, "outside finished" against the sync's band (loaded once):
 * the alert step, the report.html banner and W&B's alerts due all use this, so they agree.
 */
export async function firedAlerts(
  run: RunRef,
  rules: readonly AlertRule[],
  results: readonly StepResult[],
  bandSource: BandSource | undefined,
): Promise<AlertRecord[]> {
  if (rules.length === 0) return [];
  const needsBand = rules.some((r) => r.condition.kind === "outside");
  const band = needsBand && bandSource ? await bandSource.load() : undefined;
  return evaluateRules(run.id, rules, results, { status: run.status, ...(band ? { band } : {}) });
}

/** Raises the run's new alerts; returns them. No rules: nothing is read. */
export async function raiseAlerts(
  adapter: TrackerAdapter,
  run: RunRef,
  results: readonly StepResult[],
  ctx: AlertContext | undefined,
): Promise<AlertRecord[]> {
  if (!ctx || ctx.rules.length === 0) return [];
  const fired = await firedAlerts(run, ctx.rules, results, ctx.band);
  if (fired.length === 0) return [];
  const known = new Set((await adapter.readAlerts?.(run, ctx.signal))?.map((a) => a.id) ?? []);
  const fresh = fired.filter((a) => !known.has(a.id));
  for (const alert of fresh) {
    ctx.signal?.throwIfAborted();
    await adapter.recordAlert?.(run, alert, ctx.signal);
    ctx.emit({ type: "alert", run: run.id, ...alert });
    await ctx.deliver?.(run, alert, ctx.signal);
  }
  return fresh;
}
