/**
 * The demo's weight windows (issue 13, TAG23 §6): at the end of every WINDOW_EPOCHS-th epoch, the
 * last WINDOW_ITERATES iterates of the whole network — one every ITERATE_EVERY SGD updates, the last
 * one being the epoch's final update — as one float32 array, rows = iterates, columns = every weight
 * and bias of every layer flattened (layer order; W row-major, then b):
 *
 *   <run>/trajectory/all/step_<epoch>.npy        WINDOW_ITERATES × (number of parameters)
 *
 * Step = the epoch the window ends at, the same step unit as the demo's activations and metrics, so
 * the experiment report reads trajectory/all/… at the same `--at` points. No projection: the demo's
 * MLP has 4996 parameters (1476 at width 32), few enough to log whole.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { encodeNpy } from "../io/npy-write.js";
import type { Mlp } from "./mlp.js";
import type { AfterUpdate } from "./train.js";

export const WINDOW_EPOCHS = 2;
export const WINDOW_ITERATES = 16;
export const ITERATE_EVERY = 4;

export interface WeightWindows {
  readonly afterUpdate: AfterUpdate;
  /** Write the window that ended at `epoch`, if it is a window epoch; returns the files written (0 or 1). */
  write(epoch: number): Promise<number>;
}

export const parameterCount = (mlp: Mlp): number =>
  mlp.layers.reduce((sum, l) => sum + l.weights.length + l.bias.length, 0);

function flatten(mlp: Mlp, into: Float32Array, offset: number): void {
  let at = offset;
  for (const layer of mlp.layers) {
    into.set(layer.weights, at);
    at += layer.weights.length;
    into.set(layer.bias, at);
    at += layer.bias.length;
  }
}

/**
 * Which updates of an epoch are kept: counting back from the last one (`updates − 1`) in steps of
 * ITERATE_EVERY, the WINDOW_ITERATES latest. Returns the row, or −1 for updates not kept.
 */
export function windowRow(update: number, updates: number): number {
  const back = updates - 1 - update;
  if (back < 0 || back % ITERATE_EVERY !== 0) return -1;
  const k = back / ITERATE_EVERY;
  return k < WINDOW_ITERATES ? WINDOW_ITERATES - 1 - k : -1;
}

export function createWeightWindows(runDir: string): WeightWindows {
  let rows: Float32Array | null = null;
  let width = 0;
  let filled = 0;
  return {
    afterUpdate(mlp, epoch, update, updates) {
      if (epoch % WINDOW_EPOCHS !== 0) return;
      const row = windowRow(update, updates);
      if (row < 0) return;
      if (rows === null) {
        width = parameterCount(mlp);
        rows = new Float32Array(WINDOW_ITERATES * width);
      }
      flatten(mlp, rows, row * width);
      filled++;
    },
    async write(epoch) {
      // An epoch with fewer than WINDOW_ITERATES·ITERATE_EVERY updates fills fewer rows: no window.
      if (epoch % WINDOW_EPOCHS !== 0 || rows === null || filled < WINDOW_ITERATES) {
        filled = 0;
        return 0;
      }
      filled = 0;
      const bytes = encodeNpy(rows, [WINDOW_ITERATES, width]);
      await writeFileAtomic(join(runDir, "trajectory", "all", `step_${epoch}.npy`), bytes);
      return 1;
    },
  };
}
