/**
 * Which trajectory windows of a run are still to be computed (pure, like src/sync/plan.ts):
 * - weight windows: every logged file trajectory/<layer>/step_<step> not yet written under
 *   trajectory/<layer>/… (a pattern without {layer} gives the layer "all");
 * - representation windows: for every layer with activation files, the window of its last W logged
 *   steps ending at each step from the W-th on, not yet written under reptraj/<layer>/….
 */
import type { ActivationRef, StepResult } from "../adapter-kit.js";
import { resultId } from "../adapter-kit.js";
import type { StepFilter } from "../sync/plan.js";
import { slidingWindows } from "./representation-window.js";

/** Layer name of a weight window logged without {layer} in the pattern (the whole model). */
export const WHOLE_MODEL_LAYER = "all";

export interface WeightWindowTodo {
  readonly ref: ActivationRef;
  readonly layer: string;
}

export interface RepresentationWindowTodo {
  readonly layer: string;
  /** The window's last step: the metrics are written at it. */
  readonly step: number;
  /** The W steps of the window, ascending. */
  readonly steps: readonly number[];
}

export interface WindowPlan {
  readonly weights: readonly WeightWindowTodo[];
  readonly representations: readonly RepresentationWindowTodo[];
}

const inRange = (step: number, f: StepFilter) =>
  (f.stepMin === undefined || step >= f.stepMin) && (f.stepMax === undefined || step <= f.stepMax);

/**
 * @param activations the run's activation files (family absent)
 * @param weightFiles the run's weight-window files (family "trajectory")
 * @param written every result the run holds (all families), including this sync's new ones
 * @param window W, the number of steps per representation window (0: none)
 */
export function planWindows(
  activations: readonly ActivationRef[],
  weightFiles: readonly ActivationRef[],
  written: readonly StepResult[],
  window: number,
  filter: StepFilter,
): WindowPlan {
  const done = new Set(written.map(resultId));
  const wantLayer = (layer: string) => filter.layers === undefined || filter.layers.includes(layer);

  const weights: WeightWindowTodo[] = [];
  const seen = new Set<string>();
  for (const ref of [...weightFiles].sort((a, b) => a.step - b.step || (a.path < b.path ? -1 : 1))) {
    const layer = ref.layer === "" ? WHOLE_MODEL_LAYER : ref.layer;
    const id = resultId({ family: "trajectory", layer, step: ref.step });
    if (!wantLayer(layer) || !inRange(ref.step, filter) || done.has(id) || seen.has(id)) continue;
    seen.add(id);
    weights.push({ ref, layer });
  }

  const representations: RepresentationWindowTodo[] = [];
  if (window >= 2) {
    // A layer's logged steps: from its own files, or (one file per step holding every layer) from the
    // steps its magnitude results were written at.
    const stepsOf = new Map<string, Set<number>>();
    const add = (layer: string, step: number) => {
      if (!stepsOf.has(layer)) stepsOf.set(layer, new Set());
      stepsOf.get(layer)!.add(step);
    };
    const fileSteps = new Set<number>();
    for (const ref of activations) {
      fileSteps.add(ref.step);
      if (ref.layer !== "") add(ref.layer, ref.step);
    }
    for (const r of written) {
      if ((r.family ?? "magnitude") === "magnitude" && fileSteps.has(r.step)) add(r.layer, r.step);
    }
    for (const [layer, steps] of [...stepsOf].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!wantLayer(layer) || steps.size < window) continue;
      for (const w of slidingWindows([...steps], window)) {
        if (!inRange(w.step, filter) || done.has(resultId({ family: "reptraj", layer, step: w.step })))
          continue;
        representations.push({ layer, step: w.step, steps: w.steps });
      }
    }
  }
  return { weights, representations };
}

export const windowCount = (p: WindowPlan) => p.weights.length + p.representations.length;
