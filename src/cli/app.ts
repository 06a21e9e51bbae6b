/**
 * The command table. Each command's module is imported lazily, takes its context explicitly
 * (cwd, env, output, signal) and returns an exit code, so commands are tested in-process.
 *
 * Parsing and running are two phases: a command's handler only records what to run, and it runs
 * after yargs has checked every flag (yargs reports unknown arguments after the handler would have
 * run), so `sync --max-point 50` exits 2 before anything is read or written.
 */
import { resolve } from "node:path";
import type { Argv } from "yargs";
import yargs from "yargs";
import { MagtrackError } from "../core/errors.js";
import { VERSION } from "../version.js";
import { optionsFromEnv, readConfigFile, unknownEnvWarning } from "./env-config.js";
import { jsonRequested, reportFatal } from "./fatal.js";
import type { CliContext } from "./io.js";
import {
  BACKFILL_OPTIONS,
  COMMAND_OPTION_NAMES,
  COMPUTE_COMMAND_OPTIONS,
  COMPUTE_OPTIONS,
  DEMO_OPTIONS,
  REPORT_OPTIONS,
  TRACKER_OPTIONS,
} from "./options.js";
import { terminalSafe } from "./terminal-safe.js";
import { TRAJECTORY_OPTIONS } from "./trajectory-options.js";

type Command = keyof typeof COMMAND_OPTION_NAMES;

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  // Every line the commands print goes through terminalSafe (layer names, server messages …).
  const ctx: CliContext = {
    ...context,
    stdout: (t) => context.stdout(terminalSafe(t)),
    stderr: (t) => context.stderr(terminalSafe(t)),
  };
  let usageError: string | null = null;
  let chosen: (() => Promise<number>) | null = null;
  // Which command ran with which --json, for the fatal-error report (set once options are parsed).
  let command = argv.find((a) => Object.hasOwn(COMMAND_OPTION_NAMES, a)) ?? "magtrack";
  let json = jsonRequested(argv, ctx.env);
  const choose = (name: Command, a: { json?: unknown }, run: () => Promise<number>) => {
    command = name;
    json = a.json === true;
    chosen = run;
  };
  const allOptions = Object.values(COMMAND_OPTION_NAMES).flat();
  const env = (command: Command) => optionsFromEnv(ctx.env, COMMAND_OPTION_NAMES[command]!, allOptions);
  const warning = unknownEnvWarning(optionsFromEnv(ctx.env, [], allOptions).unknown);
  if (warning !== null) ctx.stderr(warning);

  // Precedence: flags > MAGTRACK_* env > --config file > defaults. yargs gives flags priority over
  // any config; the env is laid over the file here so it wins over the file too.
  const withConfig = <T>(y: Argv<T>, command: Command) =>
    y
      .config(env(command).options)
      .config(
        "config",
        "JSON config file with any of the options (flags and MAGTRACK_* env win)",
        (path) => ({
          ...readConfigFile(resolve(ctx.cwd, path)),
          ...env(command).options,
        }),
      );

  const parser = yargs([...argv])
    .scriptName("magtrack")
    .version(VERSION)
    .strict()
    .exitProcess(false)
    // yargs lays out the chosen command's help text after every command (usage.cacheHelpMessage), shown
    // or not; wrapping it to the terminal took ≈ 20 ms of each start. Help shows only for --help
    // (usage errors go to .fail below, without it), so only then is it wrapped.
    .wrap(argv.includes("--help") ? Math.min(110, process.stdout.columns ?? 100) : null)
    .fail((msg, err) => {
      // yargs' own errors (YError: unknown option, bad config file …) are usage errors; ours propagate.
      if (err && err.name !== "YError") throw err;
      usageError = msg ?? err?.message ?? "invalid usage";
    })
    .command(
      "sync",
      "compute what is missing in every run and write it back (what cron calls; safe to repeat)",
      (y) =>
        withConfig(y.options(COMPUTE_OPTIONS).options(TRACKER_OPTIONS).options(TRAJECTORY_OPTIONS), "sync")
          .example(
            "magtrack sync --root ./runs",
            "local store: <root>/<run>/activations/<layer>/step_<N>.npy",
          )
          .example("magtrack sync --tracker mlflow --experiment my-exp", "MLflow (MLFLOW_TRACKING_URI, …)")
          .example(
            "magtrack sync --tracker wandb --entity me --project p --json",
            "W&B, NDJSON logs for cron",
          ),
      (a) => {
        choose("sync", a, async () => (await import("./commands/sync.js")).runSync("sync", a as never, ctx));
      },
    )
    .command(
      "backfill",
      "the same pipeline over history, with filters; --dry-run prints the plan",
      (y) =>
        withConfig(
          y
            .options(COMPUTE_OPTIONS)
            .options(TRACKER_OPTIONS)
            .options(TRAJECTORY_OPTIONS)
            .options(BACKFILL_OPTIONS),
          "backfill",
        )
          .example(
            "magtrack backfill --root ./runs --runs run-a --layers fc1 --dry-run",
            "show what would be computed",
          )
          .example(
            "magtrack backfill --tracker mlflow --experiment exp --since 2026-01-01 --step-max 100",
            "runs started this year, steps 0–100",
          ),
      (a) => {
        choose("backfill", a, async () =>
          (await import("./commands/sync.js")).runSync("backfill", a as never, ctx),
        );
      },
    )
    .command(
      "compute <files...>",
      "magnitude profiles of .npy / .npz / .safetensors files (no tracker)",
      (y) =>
        withConfig(y.options(COMPUTE_OPTIONS).options(COMPUTE_COMMAND_OPTIONS), "compute")
          .positional("files", { type: "string", array: true, demandOption: true })
          .example("magtrack compute acts/fc1/step_0.npy", "table of t_conv, MagArea/T, dimension")
          .example("magtrack compute layer.npz --json --t-max 10", "full profiles on [0, 10] as JSON"),
      (a) => {
        choose("compute", a, async () => (await import("./commands/compute.js")).runCompute(a as never, ctx));
      },
    )
    .command(
      "report",
      "across runs: do magnitude metrics rank runs by an outcome (τ-b, ρ, p, BH q), beside the runs' own metrics?",
      (y) =>
        withConfig(y.options(REPORT_OPTIONS), "report")
          .example(
            "magtrack report --root ./runs --gap train_loss:test_loss --outcome test_accuracy",
            "local store",
          )
          .example(
            "magtrack report --tracker mlflow --experiment exp --outcome test_acc --at final,0.2 --json",
            "MLflow, NDJSON rows",
          ),
      (a) => {
        choose("report", a, async () =>
          (await import("./commands/report.js")).runReportCommand(a as never, ctx),
        );
      },
    )
    .command(
      "demo",
      "train small networks on a synthetic task, log activations to a local store, sync it",
      (y) =>
        withConfig(y.options(DEMO_OPTIONS), "demo").example(
          "magtrack demo",
          "creates ./magtrack-demo and prints where the reports are",
        ),
      (a) => {
        choose("demo", a, async () => (await import("./commands/demo.js")).runDemo(a as never, ctx));
      },
    )
    .demandCommand(1, "name a command: sync, backfill, compute, report or demo")
    .help()
    .epilogue(
      "Exit codes: 0 ok, 1 some runs or files failed, 2 usage / config / auth, 3 stopped early (--max-duration, SIGTERM), 130 interrupted (Ctrl-C), 141 stdout closed. Docs: README.md",
    );
  try {
    await parser.parseAsync();
    if (usageError !== null) {
      const error = new MagtrackError("usage", "BAD_USAGE", usageError);
      return reportFatal(ctx, command, json, error);
    }
    // --help and --version print and choose nothing.
    const run = chosen as (() => Promise<number>) | null;
    return run === null ? 0 : await run();
  } catch (error) {
    return reportFatal(ctx, command, json, error);
  }
}
