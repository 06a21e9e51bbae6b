/**
 * The demo's synthetic classification task: a Gaussian mixture in `dim` dimensions where every
 * class owns `clustersPerClass` clusters placed at random (centre = centreScale · N(0, I)), and a
 * point is its cluster's centre plus N(0, I) noise. Classes made of several far-apart clusters
 * are not linearly separable, so the hidden layers have something to learn.
 *
 * Three sets are drawn from the same distribution with separate seeds: train, test (held out,
 * clean labels) and a fixed probe batch (class-balanced, sorted by class) whose activations are
 * logged at every epoch — the same inputs at every step, as magnitude tracking requires.
 */
import { deriveSeed, mulberry32, type Rng } from "./prng.js";

export interface TaskShape {
  readonly dim: number;
  readonly classes: number;
  readonly clustersPerClass: number;
  /** Scale of the cluster centres relative to the unit noise; smaller = more overlap = harder. */
  readonly centreScale: number;
  readonly trainSize: number;
  readonly testSize: number;
  readonly probeSize: number;
}

/** Row-major inputs (n × dim) with integer labels. */
export interface LabelledSet {
  readonly n: number;
  readonly x: Float64Array;
  readonly y: Int32Array;
}

export interface Task {
  readonly shape: TaskShape;
  readonly train: LabelledSet;
  readonly test: LabelledSet;
  readonly probe: LabelledSet;
}

export const DEFAULT_TASK_SHAPE: TaskShape = {
  dim: 8,
  classes: 4,
  clustersPerClass: 3,
  centreScale: 1.2,
  trainSize: 2000,
  testSize: 1000,
  probeSize: 200,
};

function drawCentres(shape: TaskShape, rng: Rng): Float64Array {
  const count = shape.classes * shape.clustersPerClass;
  const centres = new Float64Array(count * shape.dim);
  for (let i = 0; i < centres.length; i++) centres[i] = shape.centreScale * rng.normal();
  return centres;
}

/** Draw n points; `labelOf(i)` fixes the class of point i, its cluster within the class is random. */
function drawSet(
  shape: TaskShape,
  centres: Float64Array,
  n: number,
  labelOf: (i: number) => number,
  rng: Rng,
): LabelledSet {
  const { dim, clustersPerClass } = shape;
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labelOf(i);
    const cluster = label * clustersPerClass + rng.int(clustersPerClass);
    y[i] = label;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[cluster * dim + j] + rng.normal();
  }
  return { n, x, y };
}

export function makeTask(seed: number, shape: TaskShape = DEFAULT_TASK_SHAPE): Task {
  const centres = drawCentres(shape, mulberry32(deriveSeed(seed, "task/centres")));
  const randomLabel = (rng: Rng) => () => rng.int(shape.classes);
  const trainRng = mulberry32(deriveSeed(seed, "task/train"));
  const testRng = mulberry32(deriveSeed(seed, "task/test"));
  const probeRng = mulberry32(deriveSeed(seed, "task/probe"));
  // Probe: balanced and sorted by class (rows i·k/classes … belong to class k), so a reader of the
  // .npy files can tell which rows are which class without a label file.
  const probeLabel = (i: number) => Math.floor((i * shape.classes) / shape.probeSize);
  return {
    shape,
    train: drawSet(shape, centres, shape.trainSize, randomLabel(trainRng), trainRng),
    test: drawSet(shape, centres, shape.testSize, randomLabel(testRng), testRng),
    probe: drawSet(shape, centres, shape.probeSize, probeLabel, probeRng),
  };
}

/**
 * Label noise on the training labels: each example draws one uniform u_i (from a stream that
 * depends on the seed only); where u_i < rate its label is replaced by a different class chosen
 * uniformly. Because u_i does not depend on the rate, the examples flipped at 20 % are a subset of
 * those flipped at 40 % — runs differ only in how much noise they see.
 */
export function withLabelNoise(set: LabelledSet, classes: number, rate: number, seed: number): LabelledSet {
  if (rate === 0) return set;
  const rng = mulberry32(deriveSeed(seed, "task/label-noise"));
  const y = new Int32Array(set.y);
  for (let i = 0; i < set.n; i++) {
    const u = rng.uniform();
    const shift = 1 + rng.int(classes - 1); // 1 … classes−1, so the new label always differs
    if (u < rate) y[i] = (set.y[i] + shift) % classes;
  }
  return { n: set.n, x: set.x, y };
}
