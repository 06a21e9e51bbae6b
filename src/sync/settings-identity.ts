/**
 * Settings are part of a layer's identity: T, the grid and every stored value depend on them, so a
 * run whose results were computed under other settings is refused rather than extended with values
 * that cannot be compared (e.g. cosine areas on a euclidean T). The message names both values.
 */
import type { RunRef, RunState } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";

/** Keys of settingsRecord() that change computed values (magtrack.version does not). */
export const IDENTITY_KEYS = [
  "magtrack.metric",
  "magtrack.q",
  "magtrack.n_scales",
  "magtrack.grid",
  "magtrack.max_points",
  "magtrack.mode",
  "magtrack.t_max",
  "magtrack.reference_step",
  "magtrack.non_finite",
  "magtrack.reptraj_window",
] as const;

export interface SettingsChange {
  readonly key: string;
  readonly stored: string;
  readonly requested: string;
}

/** Differences between the settings a run's results were computed with and the requested ones. */
export function settingsChanges(
  stored: Readonly<Record<string, string>> | undefined,
  requested: Readonly<Record<string, string>>,
): SettingsChange[] {
  if (stored === undefined) return [];
  const out: SettingsChange[] = [];
  for (const key of IDENTITY_KEYS) {
    // A key an older magtrack did not store is not compared; the optional pins are (unset = unset).
    const optional =
      key === "magtrack.t_max" || key === "magtrack.reference_step" || key === "magtrack.non_finite";
    if (!optional && stored[key] === undefined) continue;
    const was = stored[key] ?? "(unset)";
    const now = requested[key] ?? "(unset)";
    if (was !== now) out.push({ key, stored: was, requested: now });
  }
  return out;
}

/** Refuses a run that holds results under other settings (nothing is read or written for it). */
export function assertSameSettings(
  run: RunRef,
  state: RunState,
  requested: Readonly<Record<string, string>>,
): void {
  if (state.written.length === 0 && Object.keys(state.references).length === 0) return;
  const changes = settingsChanges(state.settings, requested);
  if (changes.length === 0) return;
  const flag = (key: string) => `--${key.slice("magtrack.".length).replace(/_/g, "-")}`;
  const list = changes.map((c) => `${flag(c.key)}: stored ${c.stored}, requested ${c.requested}`).join("; ");
  throw new MagtrackError(
    "usage",
    "SETTINGS_CHANGED",
    `run ${run.id} holds results computed with other settings (${list}); ` +
      "results under different settings are not comparable, so nothing was written. " +
      "Sync with the stored settings, or write the new settings to another store or run",
  );
}
