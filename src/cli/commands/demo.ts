/**
 * `magtrack demo` (what `npm start` runs): train three small networks on a synthetic task, log a fixed
 * probe batch's activations per epoch and layer into a local store, sync it, and say where to look.
 */
import { join, resolve } from "node:path";
import { createLocalAdapter } from "../../../adapters/local/index.js";
import { generateDemoStore } from "../../demo/generate.js";
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
  const demo = await generateDemoStore(root, { signal: ctx.signal });
  const trainedMs = performance.now() - started;
  if (!args.json) {
    ctx.stderr(
      `trained ${demo.runs.length} runs in ${(trainedMs / 1000).toFixed(1)} s; activations in ${root}\n`,
    );
  }
  const reporter = createReporter(ctx, { json: args.json });
  const computer = createPooledComputer(defaultWorkers());
  const summary = await syncRuns({
    adapter: createLocalAdapter({ root }),
    runFilter: {},
    settings,
    settingsRecord: settingsRecord(settings, VERSION),
    emit: reporter.emit,
    stopSignal: ctx.signal,
    computer,
  }).finally(() => computer.close());
  reporter.finish(summary, "demo");
  if (!args.json) {
    ctx.stdout(`\nReports (open in a browser, no network needed):\n`);
    for (const run of demo.runs) ctx.stdout(`  ${join(root, run.name, "magnitude", "report.html")}\n`);
    ctx.stdout(`Charts: ${join(root, "<run>", "magnitude", "<layer>", "curves.svg")} and trends.svg\n`);
    ctx.stdout(`Metrics: ${join(root, "<run>", "magnitude", "metrics.jsonl")} (and metrics.csv)\n`);
    ctx.stdout(`Run it again: nothing is recomputed. Sync this store yourself: ${syncHint(args.root)}\n`);
  }
  return summary.failed > 0 ? EXIT_RUNS_FAILED : EXIT_OK;
}
