/**
 * The command table. Each command's module is imported lazily, takes its context explicitly
 * (cwd, env, output, signal) and returns an exit code, so commands are tested in-process.
 */
import { resolve } from "node:path";
import yargs from "yargs";
import { VERSION } from "../version.js";
import { optionsFromEnv, readConfigFile } from "./env-config.js";
import { describeError, EXIT_USAGE, exitCodeForError } from "./exit-codes.js";
import type { CliContext } from "./io.js";
import { withComputeOptions, withTrackerOptions } from "./options.js";
import { withTrajectoryOptions } from "./trajectory-options.js";

export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode = 0;
  let usageError: string | null = null;
  const parser = yargs([...argv])
    .scriptName("magtrack")
    .version(VERSION)
    // Precedence: flags > MAGTRACK_* env > --config file > defaults. yargs gives flags priority over
    // any config; the env is laid over the file here so it wins over the file too.
    .config(optionsFromEnv(ctx.env))
    .config("config", "JSON config file with any of the options (flags and MAGTRACK_* env win)", (path) => ({
      ...readConfigFile(resolve(ctx.cwd, path)),
      ...optionsFromEnv(ctx.env),
    }))
    .strict()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs' own errors (YError: unknown option, bad config file …) are usage errors; ours propagate.
      if (err && err.name !== "YError") throw err;
      usageError = msg ?? err?.message ?? "invalid usage";
    })
    .command(
      "sync",
      "compute what is missing in every run and write it back (what cron calls; safe to repeat)",
      (y) =>
        withTrajectoryOptions(withComputeOptions(withTrackerOptions(y)))
          .example(
            "magtrack sync --root ./runs",
            "local store: <root>/<run>/activations/<layer>/step_<N>.npy",
          )
          .example("magtrack sync --tracker mlflow --experiment my-exp", "MLflow (MLFLOW_TRACKING_URI, …)")
          .example(
            "magtrack sync --tracker wandb --entity me --project p --json",
            "W&B, NDJSON logs for cron",
          ),
      async (a) => {
        const { runSync } = await import("./commands/sync.js");
        exitCode = await runSync("sync", a as never, ctx);
      },
    )
    .command(
      "backfill",
      "the same pipeline over history, with filters; --dry-run prints the plan",
      (y) =>
        withTrajectoryOptions(withComputeOptions(withTrackerOptions(y)))
          .option("layers", { type: "string", array: true, describe: "only these layers" })
          .option("step-min", { type: "number", describe: "only steps ≥ this" })
          .option("step-max", { type: "number", describe: "only steps ≤ this" })
          .example(
            "magtrack backfill --root ./runs --runs run-a --layers fc1 --dry-run",
            "show what would be computed",
          )
          .example(
            "magtrack backfill --tracker mlflow --experiment exp --since 2026-01-01 --step-max 100",
            "runs started this year, steps 0–100",
          ),
      async (a) => {
        const { runSync } = await import("./commands/sync.js");
        exitCode = await runSync("backfill", a as never, ctx);
      },
    )
    .command(
      "compute <files...>",
      "magnitude profiles of .npy / .npz / .safetensors files (no tracker)",
      (y) =>
        withComputeOptions(y)
          .positional("files", { type: "string", array: true, demandOption: true })
          .option("json", {
            type: "boolean",
            default: false,
            describe: "one JSON object per array on stdout",
          })
          .option("svg", {
            type: "string",
            describe: "write a chart of each magnitude function into this folder",
          })
          .example("magtrack compute acts/fc1/step_0.npy", "table of t_conv, MagArea/T, dimension")
          .example("magtrack compute layer.npz --json --t-max 10", "full profiles on [0, 10] as JSON"),
      async (a) => {
        const { runCompute } = await import("./commands/compute.js");
        exitCode = await runCompute(a as never, ctx);
      },
    )
    .command(
      "demo",
      "train small networks on a synthetic task, log activations to a local store, sync it",
      (y) =>
        y
          .option("root", { type: "string", default: "magtrack-demo", describe: "where the demo store goes" })
          .option("json", { type: "boolean", default: false, describe: "NDJSON events on stdout" })
          .example("magtrack demo", "creates ./magtrack-demo and prints where the reports are"),
      async (a) => {
        const { runDemo } = await import("./commands/demo.js");
        exitCode = await runDemo(a as never, ctx);
      },
    )
    .demandCommand(1, "name a command: sync, backfill, compute or demo")
    .help()
    .epilogue("Exit codes: 0 ok, 1 some runs or files failed, 2 usage / config / auth. Docs: README.md");
  try {
    await parser.parseAsync();
  } catch (error) {
    ctx.stderr(describeError(error) + "\n");
    return exitCodeForError(error);
  }
  if (usageError !== null) {
    ctx.stderr(`magtrack: ${usageError}\n  hint: run magtrack --help\n`);
    return EXIT_USAGE;
  }
  return exitCode;
}
