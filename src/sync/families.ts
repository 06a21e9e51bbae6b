/**
 * A run's files and results come in families (adapter-kit ResultFamily): a layer's activations at a
 * step ("magnitude"), and trajectory windows ("trajectory", "reptraj"). The per-layer flow (plan,
 * reference T, charts) sees only the first; src/trajectory handles the others.
 */
import type { ActivationRef, RunState, StepResult } from "../adapter-kit.js";

export const isLayerResult = (r: StepResult): boolean => (r.family ?? "magnitude") === "magnitude";

/** Activation files, and logged weight windows (matched by the trajectory pattern). */
export function splitFiles(found: readonly ActivationRef[]): {
  activations: ActivationRef[];
  weightWindows: ActivationRef[];
} {
  return {
    activations: found.filter((f) => f.family === undefined),
    weightWindows: found.filter((f) => f.family === "trajectory"),
  };
}

/** The run's state as the per-layer flow sees it: only results of a layer's activations. */
export function layerStateOf(state: RunState): RunState {
  const written = state.written.filter(isLayerResult);
  return written.length === state.written.length ? state : { ...state, written };
}
