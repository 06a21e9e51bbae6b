/**
 * The order planRun reads files in: the layers in turn (so the worker pool's queue holds several
 * layers and can keep each on one thread, src/sync/pool-lanes.ts), each layer's reference step first
 * and its other steps in step order.
 */
import { describe, expect, it } from "vitest";
import type { ActivationRef } from "../../src/adapter-kit.js";
import { planRun } from "../../src/sync/plan.js";

const run = { id: "r", status: "finished" } as const;
const ref = (layer: string, step: number): ActivationRef => ({
  run,
  layer,
  step,
  path: `activations/${layer}/step_${step}.npy`,
  format: "npy",
});
const names = (reads: readonly { ref: ActivationRef }[]) => reads.map((r) => `${r.ref.layer}@${r.ref.step}`);

describe("planRun's read order", () => {
  it("takes the layers in turn, each from its reference step on, a shorter layer dropping out", () => {
    const found = [ref("b", 2), ref("a", 1), ref("b", 0), ref("a", 0), ref("c", 0), ref("b", 1), ref("a", 2)];
    const plan = planRun(found, { references: {}, written: [] }, {});
    expect(names(plan.reads)).toEqual(["a@0", "b@0", "c@0", "a@1", "b@1", "a@2", "b@2"]);
    expect(plan.referenceSteps).toEqual({ a: 0, b: 0, c: 0 });
  });

  it("a chosen reference step comes first in its layer, the rest in step order", () => {
    const found = [0, 1, 2, 3].flatMap((s) => [ref("a", s), ref("b", s)]);
    const plan = planRun(found, { references: {}, written: [] }, { referenceStep: 2 });
    expect(names(plan.reads)).toEqual(["a@2", "b@2", "a@0", "b@0", "a@1", "b@1", "a@3", "b@3"]);
  });
});
