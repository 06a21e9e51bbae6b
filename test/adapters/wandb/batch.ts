/** Result batches for the W&B tests (values are arbitrary but exactly representable). */
import type { LayerReference, ResultBatch, StepResult } from "../../../src/adapter-kit.js";

export function result(
  layer: string,
  step: number,
  area: number,
  diffRef = step === 0 ? 0 : Number.NaN,
): StepResult {
  return {
    layer,
    step,
    metrics: { area, t_conv: 4.5, dim: 1.75, diff_ref: diffRef, n: 64 },
    curve: { t: [0, 2.25, 4.5], magnitude: [1, 8.5 + step, 31.25 + step] },
  };
}

export const REF_FC1: LayerReference = { layer: "fc1", T: 4.5, step: 0, source: "t_conv(q=0.95)@step 0" };

export function batchOf(
  results: StepResult[],
  all = results,
  newReferences: LayerReference[] = [REF_FC1],
): ResultBatch {
  return {
    newReferences,
    results,
    allResults: all,
    references: { fc1: REF_FC1 },
    charts: [],
    settings: { "magtrack.q": "0.95", "magtrack.grid": "64" },
  };
}
