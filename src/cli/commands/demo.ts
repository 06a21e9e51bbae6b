/**
 * `magtrack demo` (what `npm start` runs): train a sweep of 12 small networks on a synthetic task and
 * one whose last hidden layer dies mid-training (src/demo/collapse.ts), log a
 * fixed probe batch's activations per epoch and layer into a local store, sync it, compare the runs
 * (magtrack report: test accuracy and the train−test accuracy gap), and say where to look.
 */
import { join, resolve } from "node:path";
import { createLocalAdapter } from "../../../adapters/local/index.js";
import { COLLAPSE_DEMO_RUN, COLLAPSE_RULE } from "../../demo/collapse.js";
import { DEMO_RUNS } from "../../demo/demo-runs.js";
import { generateDemoStore } from "../../demo/generate.js";
import { parseAt } from "../../report/at.js";
import { gapOutcome, metricOutcome } from "../../report/features.js";
import { runReport } from "../../report/run-report.js";
import { createPooledComputer } from "../../sync/pool-computer.js";
import { syncRuns } from "../../sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../sync/settings.js";
import { VERSION } from "../../version.js";
import { EXIT_OK, EXIT_RUNS_FAILED } from "../exit-codes.js";
import type { CliContext } from "../io.js";
import { defaultWorkers, settingsFromArgs } from "../options.js";
import { createReporter } from "../reporter.js";

export interface DemoArgs {
  root: string;
  json: boolean;
  maxPoints: number;
}

/**
 * `npm ci` does not put magtrack on PATH; `npx --no-install magtrack` runs the clone's own copy (npm
 * exec resolves the project's bin) and never fetches an unrelated package of that name.
 */
export function syncHint(root: string): string {
  return `npx --no-install magtrack sync --root ${root}`;
}

export async function runDemo(args: DemoArgs, ctx: CliContext): Promise<number> {
  const settings = settingsFromArgs({ ...DEFAULT_SETTINGS, maxPoints: args.maxPoints });
  const root = resolve(ctx.cwd, args.root);
  const started = performance.now();
  const demo = await generateDemoStore(root, { runs: DEMO_RUNS, signal: ctx.signal });
  const trainedMs = performance.now() - started;
  if (!args.json) {
    ctx.stderr(
      `trained ${demo.runs.length} runs in ${(trainedMs / 1000).toFixed(1)} s; activations in ${root}\n`,
    );
  }
  const reporter = createReporter(ctx, { json: args.json });
  const computer = createPooledComputer(defaultWorkers());
  const adapter = createLocalAdapter({ root });
  const summary = await syncRuns({
    adapter,
    runFilter: {},
    settings,
    settingsRecord: settingsRecord(settings, VERSION),
    emit: reporter.emit,
    stopSignal: ctx.signal,
    computer,
  }).finally(() => computer.close());
  reporter.finish(summary, "demo");
  // The cross-run question: do the magnitude metrics rank the runs by how well they generalise?
  const report = await runReport({
    adapter,
    filter: {},
    outcomes: [metricOutcome("test_accuracy"), gapOutcome("train_accuracy:test_accuracy")],
    ats: parseAt("final,0.2,0.5"),
    title: `magtrack demo: ${demo.runs.length} runs (learning rate × label noise × width, and one dead layer)`,
    signal: ctx.signal,
  });
  if (!args.json) {
    ctx.stdout(`\nReports (open in a browser, no network needed):\n`);
    ctx.stdout(`  ${join(root, "magtrack-index.html")} (every run × layer, with links)\n`);
    for (const run of demo.runs) ctx.stdout(`  ${join(root, run.name, "magnitude", "report.html")}\n`);
    ctx.stdout(`Charts: ${join(root, "<run>", "magnitude", "<layer>", "curves.svg")} and trends.svg\n`);
    ctx.stdout(`Metrics: ${join(root, "<run>", "magnitude", "metrics.jsonl")} (and metrics.csv)\n`);
    ctx.stdout(`Run it again: nothing is recomputed. Sync this store yourself: ${syncHint(args.root)}\n`);
    ctx.stdout(
      `\nAcross the ${report.runs} runs (n = ${report.runs}; a small sample: |τ| < 2/√n ≈ ${(2 / Math.sqrt(Math.max(1, report.runs))).toFixed(2)} is noise):\n`,
    );
    for (const v of report.verdicts.slice(0, 2)) ctx.stdout(`\n${v}\n`);
    ctx.stdout(
      report.location !== null
        ? `\nCross-run report (all points of training, both outcomes, every row): ${report.location}\n`
        : `\nCross-run report not stored: ${report.notStored}\n`,
    );
    ctx.stdout(
      `Early warnings: run ${COLLAPSE_DEMO_RUN.name} has a layer that dies at epoch ${COLLAPSE_DEMO_RUN.deadLayer!.fromEpoch}; catch it with: ${syncHint(args.root)} --alert "${COLLAPSE_RULE}"\n`,
    );
    ctx.stdout(
      `Redo it with other outcomes: npx --no-install magtrack report --root ${args.root} --outcome test_loss --gap loss:test_loss\n`,
    );
  }
  return summary.failed > 0 ? EXIT_RUNS_FAILED : EXIT_OK;
}
