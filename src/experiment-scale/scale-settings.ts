/**
 * The settings an experiment's T depends on, stored with it (docs/scale.md). t_conv depends on q,
 * the metric, the probe rows (max_points), the solver (mode), which rows are kept (non_finite) and
 * which step fixes it (reference_step); the grid (n_scales, grid) does not change T.
 */
import type { ExperimentScale } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";

export const SCALE_SETTINGS_KEYS = [
  "magtrack.q",
  "magtrack.metric",
  "magtrack.max_points",
  "magtrack.mode",
  "magtrack.non_finite",
  "magtrack.reference_step",
] as const;

/** The T-relevant part of a settings record (unset optional keys are left out). */
export function scaleSettingsOf(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of SCALE_SETTINGS_KEYS) if (record[key] !== undefined) out[key] = record[key]!;
  return out;
}

/** Refuses a stored experiment T computed under other settings, naming both values. */
export function assertScaleSettings(
  stored: ExperimentScale,
  requested: Readonly<Record<string, string>>,
): void {
  const differences: string[] = [];
  for (const key of SCALE_SETTINGS_KEYS) {
    const was = stored.settings[key] ?? "(unset)";
    const now = requested[key] ?? "(unset)";
    if (was !== now)
      differences.push(
        `--${key.slice("magtrack.".length).replace(/_/g, "-")}: stored ${was}, requested ${now}`,
      );
  }
  if (differences.length === 0) return;
  throw new MagtrackError(
    "usage",
    "EXPERIMENT_SCALE_SETTINGS",
    `layer "${stored.layer}": the experiment's T = ${stored.T} was fixed with other settings (${differences.join("; ")}); ` +
      "values on it would not be comparable. Sync with the stored settings, or use --scale run or --t-max",
  );
}
