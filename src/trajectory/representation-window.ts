/**
 * Representation trajectories without extra logging: the last W logged steps of a layer form one
 * cloud whose points are the steps, point k = the flattened probe-batch activations of step k
 * (n_probe·d coordinates). The probe rows must be the same inputs at every step (the sync's probe
 * rows are seeded by run and layer only), so the distance between two points is the Frobenius
 * distance between the layer's outputs on the same inputs. The sync computes a window from those
 * distances (step-distances.ts); representationWindow gives the points themselves.
 */
import { InputError } from "../core/errors.js";
import type { PointCloud } from "../core/types.js";

export const DEFAULT_REPRESENTATION_WINDOW = 10;

/** Windows ending at each step from the W-th on: [{ step, steps }] (steps ascending, unique). */
export function slidingWindows(steps: readonly number[], W: number): { step: number; steps: number[] }[] {
  if (!Number.isInteger(W) || W < 2)
    throw new InputError("window-invalid", `window W = ${W}: use an integer ≥ 2`);
  const sorted = [...new Set(steps)].sort((a, b) => a - b);
  const out: { step: number; steps: number[] }[] = [];
  for (let e = W - 1; e < sorted.length; e++)
    out.push({ step: sorted[e], steps: sorted.slice(e - W + 1, e + 1) });
  return out;
}

/** One point per step: row k = clouds[k].data (all clouds must have the same n×d). */
export function representationWindow(clouds: readonly PointCloud[]): PointCloud {
  checkSameShape(clouds);
  const { n, d } = clouds[0]!;
  const width = n * d;
  const data = new Float64Array(clouds.length * width);
  clouds.forEach((c, k) => {
    data.set(c.data.subarray(0, width), k * width);
  });
  return { data, n: clouds.length, d: width };
}

/** Throws unless there is a step and every step's probe activations have step 0's shape. */
export function checkSameShape(clouds: readonly PointCloud[]): void {
  if (clouds.length === 0) throw new InputError("window-empty", "representation window: no steps");
  const { n, d } = clouds[0]!;
  clouds.forEach((c, k) => {
    if (c.n !== n || c.d !== d) {
      throw new InputError(
        "window-shape",
        `representation window: step ${k} has ${c.n}×${c.d} probe activations, step 0 has ${n}×${d}`,
      );
    }
  });
}
