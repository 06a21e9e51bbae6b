/**
 * The reference step's magnitude curve of each layer, for diff_ref: stored with earlier results,
 * computed this sync, or recomputed from its file (once per layer, however many steps ask at once).
 */
import type { ActivationRef, LayerReference, RunRef, StepResult } from "../adapter-kit.js";
import type { LayerCloud } from "./read-clouds.js";
import type { ComputeSettings } from "./settings.js";
import { computeStep, type ProfileComputer } from "./step-result.js";

export interface ReferenceCurves {
  /** Record a layer's reference curve (the step that fixed T was computed this sync). */
  set(layer: string, curve: readonly number[]): void;
  get(layer: string, reference: LayerReference): Promise<readonly number[] | undefined>;
}

export function referenceCurves(
  run: RunRef,
  written: readonly StepResult[],
  references: Readonly<Record<string, LayerReference>>,
  activations: readonly ActivationRef[],
  readClouds: (ref: ActivationRef) => Promise<LayerCloud[]>,
  settings: ComputeSettings,
  computer: ProfileComputer,
): ReferenceCurves {
  const known = new Map<string, readonly number[]>();
  for (const r of written) {
    if (r.curve && references[r.layer]?.step === r.step) known.set(r.layer, r.curve.magnitude);
  }
  const recomputed = new Map<string, Promise<readonly number[] | undefined>>();
  return {
    set: (layer, curve) => {
      known.set(layer, curve);
    },
    get: async (layer, ref) => {
      const curve = known.get(layer);
      if (curve !== undefined || ref.step === null) return curve;
      let pending = recomputed.get(layer);
      if (pending === undefined) {
        const step = ref.step;
        pending = (async () => {
          const file = activations.find((a) => a.step === step && (a.layer === layer || a.layer === ""));
          if (file === undefined) return undefined;
          const cloud = (await readClouds(file)).find(([name]) => name === layer)?.[1];
          if (cloud === undefined) return undefined;
          const { result } = await computeStep(
            cloud,
            { run: run.id, layer, step },
            settings,
            ref.T,
            computer,
          );
          return result.curve!.magnitude;
        })();
        recomputed.set(layer, pending);
      }
      return pending;
    },
  };
}
