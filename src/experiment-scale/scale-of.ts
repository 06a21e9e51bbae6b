/**
 * Which scale a stored layer reference used (docs/scale.md). References written before scale modes
 * existed carry no `scale`: they were pinned when their source says so ("pinned (--t-max)"), else
 * per-run (t_conv of the run's own reference step).
 */
import type { LayerReference, ScaleMode } from "../adapter-kit.js";

export function scaleOf(reference: Pick<LayerReference, "scale" | "source">): ScaleMode {
  if (reference.scale !== undefined) return reference.scale;
  return reference.source.startsWith("pinned") ? "pinned" : "run";
}
