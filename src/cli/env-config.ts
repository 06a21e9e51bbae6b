import { readFileSync } from "node:fs";
import { MagtrackError } from "../core/errors.js";

/**
 * MAGTRACK_* environment variables as option values: MAGTRACK_MAX_POINTS=500 → { "max-points": 500 }.
 * Read from the context's env (not process.env) so commands stay testable in-process. Flags win.
 */
const LIST_OPTIONS = new Set(["runs", "status", "layers"]);

export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("MAGTRACK_") || raw === undefined || raw === "") continue;
    const key = name.slice("MAGTRACK_".length).toLowerCase().replace(/_/g, "-");
    if (LIST_OPTIONS.has(key))
      out[key] = raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else if (raw === "true" || raw === "false") out[key] = raw === "true";
    else if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) out[key] = Number(raw);
    else out[key] = raw;
  }
  return out;
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
