/**
 * Turn pipeline events into output: NDJSON on stdout with --json (one object per line, for cron logs),
 * otherwise a progress bar on a TTY and one line per problem; always a summary at the end.
 */
import cliProgress from "cli-progress";
import type { EventSink, SyncEvent, SyncSummary } from "../sync/events.js";
import type { CliContext } from "./io.js";

export interface Reporter {
  readonly emit: EventSink;
  finish(summary: SyncSummary, command: string): void;
}

function ndjson(value: unknown): string {
  // Non-finite numbers become strings so every line stays valid JSON.
  return (
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)) + "\n"
  );
}

export function summaryLine(command: string, s: SyncSummary): string {
  const parts = [
    `${s.runs} run${s.runs === 1 ? "" : "s"}`,
    `${s.ok} ok`,
    `${s.unchanged} unchanged`,
    `${s.deferred} deferred`,
    `${s.failed} failed`,
    `${s.stepsWritten} steps written`,
    `${s.fileFailures} file errors`,
  ];
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
    case "run-written":
      return `✓ run ${e.run}: ${e.metricsWritten} metric values, ${e.filesWritten} files written`;
    case "run-unchanged":
      return `= run ${e.run}: up to date (${e.alreadyDone} steps already written)`;
    case "run-planned":
      return [
        `plan for run ${e.run}: ${e.reads.length} file(s) to read`,
        ...e.reads.map((r) => `    ${r.path}  layer=${r.layer || "*"} step=${r.step} (${r.purpose})`),
      ].join("\n");
    case "stopped":
      return `■ stopped: ${e.reason}`;
    case "experiment-scale":
      return e.origin === "stored"
        ? null
        : `◆ layer ${e.layer}: experiment T = ${e.T} (t_conv at step ${e.step} of run ${e.run}, ${e.origin === "fixed" ? "fixed now" : "adopted from another sync"})`;
    case "notice":
      return `i ${e.message}`;
    default:
      return null;
  }
}

export function createReporter(ctx: CliContext, json: boolean): Reporter {
  if (json) {
    return {
      emit: (e) => ctx.stdout(ndjson(e)),
      finish: (s, command) => {
        const { outcomes: _o, ...counts } = s;
        ctx.stdout(ndjson({ type: "summary", command, ...counts }));
      },
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  let total = 0;
  let done = 0;
  const print = (line: string) => {
    if (bar) bar.stop();
    ctx.stderr(line + "\n");
    if (bar) bar.start(total, done);
  };
  return {
    emit: (e) => {
      if (e.type === "run-start" && ctx.isTTY && e.todo > 0) {
        total += e.todo;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: "magnitude {bar} {value}/{total} steps | {run}",
              hideCursor: true,
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { run: e.run });
        } else bar.setTotal(total);
        return;
      }
      if (e.type === "step-done") {
        done++;
        bar?.update(done, { run: e.run });
        return;
      }
      const line = humanLine(e);
      if (line !== null) print(line);
    },
    finish: (s, command) => {
      bar?.stop();
      ctx.stdout(summaryLine(command, s));
    },
  };
}
