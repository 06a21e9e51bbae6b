import { MagtrackError } from "../core/errors.js";

/**
 * Exit codes are a contract: 0 ok, 1 some runs failed, 2 usage / config / auth, 3 stopped early
 * (--max-duration or SIGTERM) with work left and nothing failed: the next sync continues;
 * 130 interrupted (Ctrl-C); 141 stopped because stdout was closed (EPIPE: `| head -1`).
 */
export const EXIT_OK = 0;
export const EXIT_RUNS_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_STOPPED_EARLY = 3;
/** Stopped by Ctrl-C (SIGINT), after writing what was computed: 128 + 2, the shell convention. */
export const EXIT_INTERRUPTED = 130;
/**
 * Stopped early because stdout could not be written (its reader went away: EPIPE, or ENOSPC/EIO on
 * a redirect), after writing what was computed and releasing the lock and leases: 128 + SIGPIPE (13),
 * what a shell reports for a command killed by a closed pipe (src/cli/closed-output.ts).
 */
export const EXIT_OUTPUT_CLOSED = 141;

export function exitCodeForError(error: unknown): number {
  if (error instanceof MagtrackError) {
    return error.kind === "usage" || error.kind === "config" || error.kind === "auth"
      ? EXIT_USAGE
      : EXIT_RUNS_FAILED;
  }
  return EXIT_RUNS_FAILED;
}

/** Known errors print one clear line (and a hint); unknown errors keep their stack. */
export function describeError(error: unknown): string {
  if (error instanceof MagtrackError) {
    const hint =
      error.kind === "auth"
        ? "\n  hint: check the tracker credentials (env vars) and that they can read and write this project"
        : error.kind === "usage"
          ? "\n  hint: run with --help for the options and examples"
          : "";
    return `magtrack: ${error.message} [${error.code}]${hint}`;
  }
  return `magtrack: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
