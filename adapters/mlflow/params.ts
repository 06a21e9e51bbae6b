/**
 * The computation settings as MLflow run params (what runs are filtered and compared by in the
 * UI and in `params.magtrack.q = '0.95'` searches). MLflow params are immutable: logging a key
 * again with another value is refused with 400 "Changing param values is not allowed"
 * (../shared/fixtures/mlflow-3.6-real/rest-transcript.md §39). So only keys the run does not hold
 * yet are ever sent, and a key the run already holds (ours from an earlier sync, or the user's own)
 * is never touched. The values are the run's settings as recorded in the magtrack.settings tag
 * (the settings its results were computed with), so a run synced before params existed gets them
 * once, and a re-sync sends none.
 */
import { MagtrackError } from "../../src/adapter-kit.js";
import { assertValidKey } from "./keys.js";
import type { WireTag } from "./wire.js";

/** MLflow 3.6 accepts param values up to 6000 characters (longer ones are refused or cut: never sent). */
export const MAX_PARAM_VALUE_CHARS = 6000;

/** The params to send: settings keys absent from the run's params, sorted by key. */
export function missingParams(
  settings: Readonly<Record<string, string>>,
  existing: readonly WireTag[] | undefined,
): { key: string; value: string }[] {
  const have = new Set((existing ?? []).map((p) => p.key));
  return Object.keys(settings)
    .sort()
    .filter((key) => !have.has(key))
    .map((key) => {
      const value = settings[key]!;
      if (value.length > MAX_PARAM_VALUE_CHARS) {
        throw new MagtrackError(
          "tracker",
          "MLFLOW_PARAM_TOO_LONG",
          `param ${key}: value of ${value.length} characters exceeds MLflow's ${MAX_PARAM_VALUE_CHARS}`,
        );
      }
      return { key: assertValidKey(key, "setting"), value };
    });
}
