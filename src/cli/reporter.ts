/**
 * Turn pipeline events into output: NDJSON on stdout with --json (one object per line, for cron logs),
 * otherwise a progress bar on a TTY and one line per problem; always a summary at the end.
 */
import type { EventSink, SyncEvent, SyncSummary } from "../sync/events.js";
import type { CliContext } from "./io.js";
import { createProgressLine, type ProgressLine } from "./progress-line.js";

export interface Reporter {
  readonly emit: EventSink;
  /** Whether a progress bar is drawn (then the caller may count the plan first: planned()). */
  readonly showsProgress: boolean;
  /** Steps the plan of every run will compute, known before the first one is. */
  planned(steps: number): void;
  finish(summary: SyncSummary, command: string): void;
}

export function ndjson(value: unknown): string {
  // Non-finite numbers become strings so every line stays valid JSON.
  return (
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)) + "\n"
  );
}

export function summaryLine(command: string, s: SyncSummary): string {
  if (s.skippedByLock) {
    return `magtrack ${command}: skipped — ${s.skippedByLock.holder} holds the lock ${s.skippedByLock.lockFile}\n`;
  }
  const parts = [
    `${s.runs} run${s.runs === 1 ? "" : "s"}`,
    `${s.ok} ok`,
    `${s.unchanged} unchanged`,
    `${s.deferred} deferred`,
    `${s.failed} failed`,
    `${s.stepsWritten} steps written`,
    `${s.fileFailures} file errors`,
  ];
  if (s.knownFailuresSkipped > 0) {
    parts.push(`${s.knownFailuresSkipped} known failures set aside (--retry-failed to read them again)`);
  }
  const tail = s.stoppedEarly ? `; stopped early: ${s.stoppedEarly}` : "";
  if (s.stepsPlanned > 0) parts[5] = `${s.stepsPlanned} steps planned (dry run)`;
  const nothing =
    s.runs === 0
      ? " — no run found (check --root and the run filters)"
      : s.runsWithoutFiles === s.runs
        ? " — no activation file matched the pattern in any run"
        : s.stepsWritten === 0 && s.stepsPlanned === 0 && s.failed === 0
          ? " — nothing new to write"
          : "";
  return `magtrack ${command}: ${parts.join(", ")}${nothing}${tail}\n`;
}

function humanLine(e: SyncEvent): string | null {
  switch (e.type) {
    case "file-failed":
      return `✗ ${e.run}/${e.path} [${e.layer || "*"} step ${e.step}]: ${e.message} [${e.code}]`;
    case "plan-problem":
      return `! ${e.run}${e.path ? `/${e.path}` : ""}: ${e.message}`;
    case "run-failed":
      return `✗ run ${e.run}: ${e.message} [${e.code}]`;
    case "run-deferred":
      return `… run ${e.run} deferred: ${e.reason}`;
    case "run-live":
      return `~ run ${e.run} is not writable now (${e.reason}): live results go to ${e.target}`;
    case "run-written":
      return `✓ run ${e.run}: ${e.metricsWritten} metric values, ${e.filesWritten} files written`;
    case "run-unchanged":
      return `= run ${e.run}: up to date (${e.alreadyDone} steps already written)`;
    case "run-planned":
      return [
        `plan for run ${e.run}: ${e.reads.length} file(s) to read`,
        ...e.reads.map((r) => `    ${r.path}  layer=${r.layer || "*"} step=${r.step} (${r.purpose})`),
      ].join("\n");
    case "known-failures-skipped":
      return `= run ${e.run}: ${e.message}`;
    case "stopped":
      return `■ stopped: ${e.reason}`;
    case "filter-unmatched":
      return `! ${e.message}`;
    case "experiment-scale":
      return e.origin === "stored"
        ? null
        : `◆ layer ${e.layer}: experiment T = ${e.T} (t_conv at step ${e.step} of run ${e.run}, ${e.origin === "fixed" ? "fixed now" : "adopted from another sync"})`;
    case "alert":
      return `⚠ alert on run ${e.run}: ${e.rule} held for ${e.key} (layer ${e.layer}) at step ${e.step}: ${e.detail}`;
    case "alert-undelivered":
      return `! run ${e.run}: ${e.message}`;
    case "run-index":
      return `▦ index of ${e.runs} run${e.runs === 1 ? "" : "s"}: ${e.location}`;
    case "notice":
      return `i ${e.message}`;
    default:
      return null;
  }
}

export interface ReporterOptions {
  /** NDJSON events on stdout instead of human lines. */
  readonly json: boolean;
  /** No progress bar and no line per run: only problems and the summary. */
  readonly quiet?: boolean;
  /** A line per computed step as well. */
  readonly verbose?: boolean;
}

/** Lines that only say a run went as expected; --quiet leaves them out. */
const ROUTINE = new Set<SyncEvent["type"]>(["run-written", "run-unchanged", "run-index"]);

function stepLine(e: Extract<SyncEvent, { type: "step-done" }>): string {
  return `  ${e.run} ${e.layer || "*"} step ${e.step}: ${e.ms.toFixed(0)} ms`;
}

export function createReporter(ctx: CliContext, options: ReporterOptions): Reporter {
  if (options.json) {
    return {
      emit: (e) => ctx.stdout(ndjson(e)),
      showsProgress: false,
      planned: () => {},
      finish: (s, command) => {
        const { outcomes: _o, ...counts } = s;
        ctx.stdout(ndjson({ type: "summary", command, ...counts }));
      },
    };
  }
  const quiet = options.quiet === true;
  const verbose = options.verbose === true;
  // Only on a terminal: in a log file a bar is noise (and its control sequences garbage).
  const terminal = ctx.isTTY && !quiet ? ctx.terminal : undefined;
  const bar: ProgressLine | undefined = terminal
    ? createProgressLine(terminal.write, { columns: terminal.columns })
    : undefined;
  let counted = 0;
  let plannedUpFront = false;
  const print = (line: string) => {
    if (bar) bar.log(() => ctx.stderr(line + "\n"));
    else ctx.stderr(line + "\n");
  };
  return {
    showsProgress: bar !== undefined,
    planned: (steps) => {
      plannedUpFront = true;
      bar?.setTotal(steps);
    },
    emit: (e) => {
      if (e.type === "run-start") {
        // Without a plan counted up front, the total is what the runs planned so far.
        counted += e.todo;
        if (!plannedUpFront) bar?.setTotal(counted);
        return;
      }
      if (e.type === "step-done") {
        bar?.step(e.run);
        if (verbose) print(stepLine(e));
        return;
      }
      if (quiet && ROUTINE.has(e.type)) return;
      const line = humanLine(e);
      if (line !== null) print(line);
    },
    finish: (s, command) => {
      bar?.stop();
      ctx.stdout(summaryLine(command, s));
    },
  };
}
