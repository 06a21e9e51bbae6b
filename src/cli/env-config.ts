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
