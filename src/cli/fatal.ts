/**
 * A fatal error (one that ends the command: 401/403, tracker down, unknown experiment, 500 after
 * retries, a usage error) is one clear line on stderr and, with --json, an `error` event plus a
 * `summary` line on stdout, so a cron log always ends with a summary and a monitor can tell a failed
 * start from a job killed by the platform (no summary at all).
 */
import { MagtrackError } from "../core/errors.js";
import { describeError, exitCodeForError } from "./exit-codes.js";
import type { CliContext } from "./io.js";
import { ndjson } from "./reporter.js";

export interface FatalEvent {
  readonly type: "error";
  readonly command: string;
  /** MagtrackError kind (usage, config, auth, tracker, format, …) or "internal". */
  readonly kind: string;
  readonly code: string;
  readonly message: string;
  /** HTTP status of the request that failed, when there was one. */
  readonly status?: number;
}

export function fatalEvent(command: string, error: unknown): FatalEvent {
  if (error instanceof MagtrackError) {
    const status = error.details?.status;
    return {
      type: "error",
      command,
      kind: error.kind,
      code: error.code,
      message: error.message,
      ...(typeof status === "number" ? { status } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: "error", command, kind: "internal", code: "INTERNAL", message };
}

/** Report a fatal error and return the exit code. */
export function reportFatal(ctx: CliContext, command: string, json: boolean, error: unknown): number {
  const exitCode = exitCodeForError(error);
  ctx.stderr(describeError(error) + "\n");
  if (json) {
    const event = fatalEvent(command, error);
    ctx.stdout(ndjson(event));
    // Nothing was finished: the counts a monitor reads are absent rather than zero, `fatal` names why.
    ctx.stdout(ndjson({ type: "summary", command, fatal: event.code, exitCode }));
  }
  return exitCode;
}

/** Usage errors from yargs come before options are parsed: --json is read from argv and env. */
export function jsonRequested(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const flag = argv.filter((a) => a === "--json" || a === "--no-json" || a.startsWith("--json=")).at(-1);
  if (flag !== undefined) return flag === "--json" || flag === "--json=true";
  return env.MAGTRACK_JSON === "true";
}
