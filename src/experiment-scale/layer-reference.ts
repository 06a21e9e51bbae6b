/**
 * The reference a (run, layer) records when its T is fixed (docs/scale.md "The record"): T, the run's
 * own reference step (diff_ref's base), and which scale T is — the experiment's (with the run and step
 * that fixed it), the run's own t_conv, or pinned by --t-max.
 */
import type { ExperimentScale, LayerReference } from "../adapter-kit.js";
import type { ComputeSettings } from "../sync/settings.js";

export function newLayerReference(
  layer: string,
  step: number,
  T: number,
  settings: Pick<ComputeSettings, "q" | "tMax">,
  shared: ExperimentScale | undefined,
): LayerReference {
  if (shared !== undefined) {
    return {
      layer,
      T: shared.T,
      step,
      source: `experiment: ${shared.source}`,
      scale: "experiment",
      scaleRun: shared.run,
      scaleStep: shared.step,
    };
  }
  if (settings.tMax !== undefined) return { layer, T, step, source: "pinned (--t-max)", scale: "pinned" };
  return { layer, T, step, source: `t_conv(q=${settings.q}) at step ${step}`, scale: "run" };
}
