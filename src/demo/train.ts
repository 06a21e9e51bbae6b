/**
 * Train one demo run: mini-batch SGD over the (possibly label-noised) training set, and after
 * every epoch — and once before training, as step 0 — evaluate the train and test sets and hand
 * the fixed probe batch's activations of every layer to a callback.
 *
 * Every run of one store starts from the same initial weights and visits the mini-batches in the
 * same order, so runs differ only in their hyper-parameters.
 */

import { killLayer, type LayerDeath } from "./collapse.js";
import {
  backward,
  forward,
  initMlp,
  type LayerSpec,
  type Mlp,
  sgdUpdate,
  softmaxCrossEntropy,
} from "./mlp.js";
import { deriveSeed, mulberry32, shuffleInPlace } from "./prng.js";
import { type LabelledSet, type Task, withLabelNoise } from "./task.js";

export interface TrainSettings {
  readonly learningRate: number;
  /** Fraction of training labels replaced by a different random class, in [0, 1). */
  readonly labelNoise: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly hiddenWidths: readonly number[];
  readonly seed: number;
  /** A hidden layer killed after one epoch's updates (collapse.ts). */
  readonly deadLayer?: LayerDeath;
}

export interface EpochMetrics {
  /** Mean cross-entropy on the training set as trained on (noisy labels, if any). */
  readonly loss: number;
  readonly train_accuracy: number;
  /** Mean cross-entropy and accuracy on the held-out test set (clean labels). */
  readonly test_loss: number;
  readonly test_accuracy: number;
}

export interface StepRecord {
  readonly step: number;
  readonly metrics: EpochMetrics;
  /** Probe activations per layer, in layer order: name, width and n_probe × width values. */
  readonly probeActivations: readonly { name: string; width: number; values: Float64Array }[];
}

export function layerSpecs(hiddenWidths: readonly number[], classes: number): LayerSpec[] {
  return [
    ...hiddenWidths.map((width, i) => ({ name: `hidden${i + 1}`, width, relu: true })),
    { name: "logits", width: classes, relu: false },
  ];
}

function evaluate(mlp: Mlp, set: LabelledSet, classes: number): { loss: number; accuracy: number } {
  const outputs = forward(mlp, set.x, set.n);
  const { loss, correct } = softmaxCrossEntropy(outputs[outputs.length - 1], set.n, classes, set.y);
  return { loss, accuracy: correct / set.n };
}

function record(mlp: Mlp, task: Task, train: LabelledSet, step: number): StepRecord {
  const { classes } = task.shape;
  const trainEval = evaluate(mlp, train, classes);
  const testEval = evaluate(mlp, task.test, classes);
  const probeOutputs = forward(mlp, task.probe.x, task.probe.n);
  return {
    step,
    metrics: {
      loss: trainEval.loss,
      train_accuracy: trainEval.accuracy,
      test_loss: testEval.loss,
      test_accuracy: testEval.accuracy,
    },
    probeActivations: mlp.layers.map((layer, l) => ({
      name: layer.name,
      width: layer.outDim,
      values: probeOutputs[l],
    })),
  };
}

/** Copy the rows listed in order[from, to) into a contiguous batch. */
function gatherBatch(set: LabelledSet, dim: number, order: Int32Array, from: number, to: number) {
  const n = to - from;
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[from + i];
    x.set(set.x.subarray(src * dim, (src + 1) * dim), i * dim);
    y[i] = set.y[src];
  }
  return { n, x, y };
}

/** Called after every SGD update (e.g. src/demo/weight-windows.ts): update = 0 … updates − 1 of the epoch. */
export type AfterUpdate = (mlp: Mlp, epoch: number, update: number, updates: number) => void;

function trainEpoch(
  mlp: Mlp,
  train: LabelledSet,
  task: Task,
  settings: TrainSettings,
  order: Int32Array,
  epoch: number,
  afterUpdate?: AfterUpdate,
) {
  const { dim, classes } = task.shape;
  const updates = Math.ceil(train.n / settings.batchSize);
  for (let from = 0, update = 0; from < train.n; from += settings.batchSize, update++) {
    const batch = gatherBatch(train, dim, order, from, Math.min(from + settings.batchSize, train.n));
    const outputs = forward(mlp, batch.x, batch.n);
    const { grad } = softmaxCrossEntropy(outputs[outputs.length - 1], batch.n, classes, batch.y);
    sgdUpdate(mlp, backward(mlp, batch.x, batch.n, outputs, grad), settings.learningRate);
    afterUpdate?.(mlp, epoch, update, updates);
  }
}

/**
 * Run the whole training, calling `onStep` for step 0 (before any update) and after each epoch.
 * `onStep` may be async (it writes files); `signal` is checked between epochs; `afterUpdate` sees the
 * network after every SGD update (it must not change it).
 */
export async function trainRun(
  task: Task,
  settings: TrainSettings,
  onStep: (record: StepRecord) => Promise<void>,
  signal?: AbortSignal,
  afterUpdate?: AfterUpdate,
): Promise<StepRecord> {
  const mlp = initMlp(
    task.shape.dim,
    layerSpecs(settings.hiddenWidths, task.shape.classes),
    mulberry32(deriveSeed(settings.seed, "train/init")),
  );
  const train = withLabelNoise(task.train, task.shape.classes, settings.labelNoise, settings.seed);
  const orderRng = mulberry32(deriveSeed(settings.seed, "train/order"));
  const order = Int32Array.from({ length: train.n }, (_, i) => i);
  let last = record(mlp, task, train, 0);
  await onStep(last);
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    signal?.throwIfAborted();
    shuffleInPlace(order, orderRng);
    trainEpoch(mlp, train, task, settings, order, epoch, afterUpdate);
    if (settings.deadLayer?.fromEpoch === epoch) killLayer(mlp, settings.deadLayer.layer);
    last = record(mlp, task, train, epoch);
    await onStep(last);
  }
  return last;
}
