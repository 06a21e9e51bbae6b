import { readFileSync } from "node:fs";
import { MagtrackError } from "../core/errors.js";

/**
 * MAGTRACK_* environment variables as option values: MAGTRACK_MAX_POINTS=500 → { "max-points": 500 }.
 * Read from the context's env (not process.env) so commands stay testable in-process. Flags win.
 *
 * The environment is shared by every command of a cron job or pod, so a variable is applied only to
 * the commands that have that option (MAGTRACK_ROOT is ignored by compute) and never makes a command
 * fail. A MAGTRACK_* variable no command knows (a typo, MAGTRACK_DEBUG) is reported as a warning.
 */
const LIST_OPTIONS = new Set(["runs", "status", "layers"]);

/**
 * Variables read directly rather than as options: MAGTRACK_SHARD_COUNT (src/sync/shard.ts),
 * MAGTRACK_KERNELS and MAGTRACK_WASM_FMA (which kernels run: src/kernels/loader.ts, src/cli/main.ts).
 */
const ENV_ONLY = new Set(["shard-count", "kernels", "wasm-fma"]);

export interface EnvOptions {
  /** Option values for this command, keyed as on the command line. */
  readonly options: Record<string, unknown>;
  /** MAGTRACK_* variables that name no option of any command. */
  readonly unknown: readonly string[];
}

export function optionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  commandOptions: readonly string[],
  allOptions: readonly string[],
): EnvOptions {
  const mine = new Set(commandOptions);
  const known = new Set([...allOptions, ...ENV_ONLY]);
  const options: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("MAGTRACK_") || raw === undefined || raw === "") continue;
    const key = name.slice("MAGTRACK_".length).toLowerCase().replace(/_/g, "-");
    if (!known.has(key)) unknown.push(name);
    if (!mine.has(key)) continue;
    if (LIST_OPTIONS.has(key))
      options[key] = raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else if (raw === "true" || raw === "false") options[key] = raw === "true";
    else if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) options[key] = Number(raw);
    else options[key] = raw;
  }
  return { options, unknown: unknown.sort() };
}

/** The warning for MAGTRACK_* variables no command reads (one line, on stderr: NDJSON stays clean). */
export function unknownEnvWarning(unknown: readonly string[]): string | null {
  if (unknown.length === 0) return null;
  return `magtrack: warning: ignoring environment variable${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}: no magtrack option has that name (MAGTRACK_<OPTION>, e.g. MAGTRACK_MAX_POINTS)\n`;
}

/** The --config file: a JSON object of option values (kebab-case keys, as on the command line). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new MagtrackError("config", "CONFIG_UNREADABLE", `config file ${path}: cannot be read`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MagtrackError("config", "CONFIG_NOT_JSON", `config file ${path}: not valid JSON`, { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MagtrackError(
      "config",
      "CONFIG_NOT_OBJECT",
      `config file ${path}: expected a JSON object of options`,
    );
  }
  return value as Record<string, unknown>;
}
