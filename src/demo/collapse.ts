/**
 * The demo's collapsing run (issue 15): the baseline (lr 0.1) whose last hidden layer dies at one
 * epoch, as a layer does after a bad update drives every pre-activation negative ("dead ReLU").
 *
 * How: after epoch `fromEpoch`'s updates the layer's biases are set to DEAD_LAYER_BIAS. For the
 * demo's inputs |input · W| is far below 10^6, so every pre-activation is negative and the ReLU
 * outputs 0 for every probe row: n_distinct = 1, Mag ≡ 1, the step is written as collapsed. The
 * ReLU's gradient is then 0 too (∂L/∂z = ∂L/∂h ⊙ [h > 0], mlp.ts), so SGD never revives it — the
 * layer stays dead to the end, and the layers after it (the logits) see a constant input and are
 * constant as well: the collapse rule fires for the dead layer and for the logits, once each.
 */
import type { DemoRunSpec } from "./generate.js";
import type { Mlp } from "./mlp.js";

/** A hidden layer that dies after the updates of one epoch and stays dead. */
export interface LayerDeath {
  readonly layer: string;
  /** 1 … epochs: the first step whose activations are dead. */
  readonly fromEpoch: number;
}

export const DEAD_LAYER_BIAS = -1e6;

/** Sets the named ReLU layer's biases so that it outputs 0 on every input the demo gives it. */
export function killLayer(mlp: Mlp, name: string): void {
  const layer = mlp.layers.find((l) => l.name === name);
  if (layer === undefined || !layer.relu) throw new Error(`demo: no ReLU layer named "${name}"`);
  layer.bias.fill(DEAD_LAYER_BIAS);
}

export const COLLAPSE_DEMO_RUN: DemoRunSpec = {
  name: "lr-0.1-dead-hidden2",
  learningRate: 0.1,
  deadLayer: { layer: "hidden2", fromEpoch: 5 },
};

/** The rule that catches it (docs/alerts.md); the demo's closing hint suggests it. */
export const COLLAPSE_RULE = "magnitude/*/n_distinct < 2";
