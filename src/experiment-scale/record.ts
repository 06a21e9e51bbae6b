/**
 * The experiment-level scale record as JSON (docs/scale.md "Per experiment and layer"), shared by the
 * adapters that keep it: encode, and decode with validation (a hand-edited or foreign value is a typed
 * error naming where it was read, never a silently different T).
 */
import type { ExperimentScale } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";

export function encodeExperimentScale(scale: ExperimentScale): string {
  if (!(Number.isFinite(scale.T) && scale.T > 0)) {
    throw new MagtrackError(
      "input",
      "BAD_EXPERIMENT_SCALE",
      `layer "${scale.layer}": experiment scale T=${scale.T} is not a positive finite number`,
    );
  }
  const { layer, T, run, step, source, settings } = scale;
  return JSON.stringify({ layer, T, run, step, source, settings });
}

/** `where` names the file or tag the text came from (for the error). */
export function decodeExperimentScale(text: string, where: string): ExperimentScale {
  const bad = (why: string) =>
    new MagtrackError(
      "tracker",
      "BAD_EXPERIMENT_SCALE",
      `${where}: unreadable experiment scale (${why}); fix or delete it`,
    );
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw bad("not an object");
  const { layer, T, run, step, source, settings } = o;
  if (typeof layer !== "string") throw bad("layer is not a string");
  if (typeof T !== "number" || !Number.isFinite(T) || !(T > 0)) throw bad("T is not a positive number");
  if (typeof run !== "string") throw bad("run is not a string");
  if (typeof step !== "number" || !Number.isSafeInteger(step)) throw bad("step is not an integer");
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
    throw bad("settings is not an object");
  }
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings)) {
    if (typeof v !== "string") throw bad(`settings.${k} is not a string`);
    flat[k] = v;
  }
  return { layer, T, run, step, source: typeof source === "string" ? source : "", settings: flat };
}
