/**
 * `generateDemoStore`: a small but real training example in a local magtrack store.
 *
 * A 8 → 64 → 64 → 4 ReLU network learns a Gaussian-mixture classification task (see task.ts) with
 * plain SGD, once per run; the runs differ in their learning rate or label noise. For every run it writes
 *
 *   <root>/<run>/run.json                                  name, status, start time, hyper-parameters
 *   <root>/<run>/params.json                               learning_rate, label_noise, hidden_width …
 *   <root>/<run>/metrics.jsonl                             {"step","key","value"} per line: loss,
 *                                                          train_accuracy, test_loss, test_accuracy
 *   <root>/<run>/activations/<layer>/step_<N>.npy          the fixed probe batch's activations,
 *                                                          float32, n_probe × width, N = 0 … epochs
 *   <root>/<run>/trajectory/all/step_<N>.npy               weight windows at even N (weight-windows.ts)
 *
 * Step N is the state after N epochs (step 0 = the initial weights). Same seed → byte-identical
 * files (fixed synthetic timestamps, no wall-clock time anywhere in the output). Every file is
 * written atomically; files of earlier generations in the same root are overwritten, never deleted.
 */
import { join } from "node:path";
import { MagtrackError } from "../core/errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { encodeNpy } from "../io/npy-write.js";
import type { LayerDeath } from "./collapse.js";
import { DEFAULT_TASK_SHAPE, makeTask } from "./task.js";
import { type EpochMetrics, layerSpecs, type StepRecord, type TrainSettings, trainRun } from "./train.js";
import { createWeightWindows } from "./weight-windows.js";

export interface DemoRunSpec {
  /** Folder name of the run: letters, digits, ".", "_", "-". */
  readonly name: string;
  readonly learningRate: number;
  /** Fraction of training labels flipped to another class, in [0, 1). Default 0. */
  readonly labelNoise?: number;
  /** Width of both hidden layers, 4 … 256. Default 64. */
  readonly hiddenWidth?: number;
  /** A hidden layer that dies from an epoch on (collapse.ts); absent: a healthy run. */
  readonly deadLayer?: LayerDeath;
}

export interface DemoOptions {
  /** Integer in [0, 2^32). Default 1. */
  readonly seed?: number;
  /** Default: DEFAULT_DEMO_RUNS (two learning rates, and label noise). */
  readonly runs?: readonly DemoRunSpec[];
  /** Training epochs per run, 1 … 200. Default 10 (steps 0 … 10). */
  readonly epochs?: number;
  readonly signal?: AbortSignal;
}

export interface DemoRunSummary {
  readonly name: string;
  /** Absolute or root-relative path of the run folder (join(root, name)). */
  readonly dir: string;
  readonly learningRate: number;
  readonly labelNoise: number;
  /** Metrics after the last epoch. */
  readonly final: EpochMetrics;
}

export interface DemoSummary {
  readonly root: string;
  readonly seed: number;
  readonly epochs: number;
  /** Steps written for every (run, layer): 0 … epochs. */
  readonly steps: readonly number[];
  readonly layers: readonly { readonly name: string; readonly width: number }[];
  readonly probeSize: number;
  /** Chance-level accuracy of the task (1 / classes), to read test accuracies against. */
  readonly chanceAccuracy: number;
  readonly runs: readonly DemoRunSummary[];
  /** Number of files written (activations + run.json + metrics.jsonl). */
  readonly filesWritten: number;
}

/**
 * A baseline (lr 0.1), the same with a 10× smaller learning rate (learns slowly, representations
 * barely move), and the same with 40 % of the training labels flipped (it fits noise: train
 * accuracy falls far below test accuracy and the logits collapse towards uniform). Each run
 * differs from the baseline in one knob, so the magnitude curves can be read side by side.
 */
export const DEFAULT_DEMO_RUNS: readonly DemoRunSpec[] = [
  { name: "lr-0.01", learningRate: 0.01 },
  { name: "lr-0.1", learningRate: 0.1 },
  { name: "lr-0.1-noise-0.4", learningRate: 0.1, labelNoise: 0.4 },
];

/**
 * The sweep `magtrack demo` trains (so its cross-run report has n = 12): four learning rates × three
 * label-noise levels, hidden width 32 for the noise-0.2 runs and 64 otherwise. It holds the three
 * runs above under the same names.
 */
export const SWEEP_DEMO_RUNS: readonly DemoRunSpec[] = [0.01, 0.03, 0.1, 0.3].flatMap((learningRate) =>
  [0, 0.2, 0.4].map((labelNoise) => ({
    name: `lr-${learningRate}${labelNoise > 0 ? `-noise-${labelNoise}` : ""}${labelNoise === 0.2 ? "-w32" : ""}`,
    learningRate,
    ...(labelNoise > 0 ? { labelNoise } : {}),
    ...(labelNoise === 0.2 ? { hiddenWidth: 32 } : {}),
  })),
);

export const DEFAULT_DEMO_EPOCHS = 10;
export const DEFAULT_DEMO_SEED = 1;
const BATCH_SIZE = 32;
const HIDDEN_WIDTHS = [64, 64] as const;
/** 2024-01-01T00:00:00Z: a fixed, synthetic start time so the output does not depend on the clock. */
const SYNTHETIC_START_MS = Date.UTC(2024, 0, 1);
const SYNTHETIC_RUN_SPACING_MS = 10 * 60_000;
const SYNTHETIC_EPOCH_MS = 60_000;
const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const METRIC_KEYS = ["loss", "train_accuracy", "test_loss", "test_accuracy"] as const;

function usage(code: string, message: string): MagtrackError {
  return new MagtrackError("usage", code, `magtrack demo: ${message}`);
}

function validate(options: DemoOptions): { seed: number; epochs: number; runs: readonly DemoRunSpec[] } {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const epochs = options.epochs ?? DEFAULT_DEMO_EPOCHS;
  const runs = options.runs ?? DEFAULT_DEMO_RUNS;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw usage("DEMO_BAD_SEED", `seed ${seed} must be an integer in [0, 2^32)`);
  }
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 200) {
    throw usage("DEMO_BAD_EPOCHS", `epochs ${epochs} must be an integer in 1 … 200`);
  }
  if (runs.length === 0 || runs.length > 50) {
    throw usage("DEMO_BAD_RUNS", `between 1 and 50 runs are needed, got ${runs.length}`);
  }
  const seen = new Set<string>();
  for (const run of runs) {
    if (!RUN_NAME.test(run.name)) {
      throw usage("DEMO_BAD_RUN_NAME", `run name ${JSON.stringify(run.name)} must match ${RUN_NAME}`);
    }
    if (seen.has(run.name)) throw usage("DEMO_DUPLICATE_RUN", `run name "${run.name}" is used twice`);
    seen.add(run.name);
    if (!Number.isFinite(run.learningRate) || run.learningRate <= 0 || run.learningRate > 10) {
      throw usage("DEMO_BAD_LR", `run "${run.name}": learning rate ${run.learningRate} must be in (0, 10]`);
    }
    const width = run.hiddenWidth ?? HIDDEN_WIDTHS[0];
    if (!Number.isInteger(width) || width < 4 || width > 256) {
      throw usage("DEMO_BAD_WIDTH", `run "${run.name}": hidden width ${width} must be an integer in 4 … 256`);
    }
    const dead = run.deadLayer;
    if (
      dead !== undefined &&
      (!/^hidden[12]$/.test(dead.layer) ||
        !Number.isInteger(dead.fromEpoch) ||
        dead.fromEpoch < 1 ||
        dead.fromEpoch > epochs)
    ) {
      throw usage(
        "DEMO_BAD_DEAD_LAYER",
        `run "${run.name}": dead layer ${JSON.stringify(dead)} must name hidden1 or hidden2 and an epoch in 1 … ${epochs}`,
      );
    }
    const noise = run.labelNoise ?? 0;
    if (!Number.isFinite(noise) || noise < 0 || noise >= 1) {
      throw usage("DEMO_BAD_NOISE", `run "${run.name}": label noise ${noise} must be in [0, 1)`);
    }
  }
  return { seed, epochs, runs };
}

function runWidths(spec: DemoRunSpec): readonly number[] {
  return spec.hiddenWidth === undefined ? HIDDEN_WIDTHS : [spec.hiddenWidth, spec.hiddenWidth];
}

/** <run>/params.json: the run's hyper-parameters, as a training script would log them. */
function paramsJson(settings: TrainSettings): string {
  const params = {
    learning_rate: settings.learningRate,
    label_noise: settings.labelNoise,
    hidden_width: settings.hiddenWidths[0],
    epochs: settings.epochs,
    batch_size: settings.batchSize,
    seed: settings.seed,
  };
  return `${JSON.stringify(params, null, 2)}\n`;
}

function runJson(
  spec: DemoRunSpec,
  runIndex: number,
  settings: TrainSettings,
  status: "running" | "finished" | "killed",
  layers: readonly { name: string; width: number }[],
): string {
  const startTime = SYNTHETIC_START_MS + runIndex * SYNTHETIC_RUN_SPACING_MS;
  const doc = {
    name: spec.name,
    status,
    startTime,
    startTimeIso: new Date(startTime).toISOString(),
    ...(status === "finished" ? { endTime: startTime + settings.epochs * SYNTHETIC_EPOCH_MS } : {}),
    params: {
      learning_rate: settings.learningRate,
      label_noise: settings.labelNoise,
      epochs: settings.epochs,
      batch_size: settings.batchSize,
      hidden_widths: settings.hiddenWidths,
      activation: "relu",
      optimizer: "sgd",
      seed: settings.seed,
    },
    task: {
      description:
        "Gaussian mixture classification: each class is several unit-variance clusters at random centres",
      ...DEFAULT_TASK_SHAPE,
    },
    probe: {
      size: DEFAULT_TASK_SHAPE.probeSize,
      note: "the same held-out inputs at every step, sorted by class (equal counts per class)",
    },
    layers,
    activations: "activations/{layer}/step_{step}.npy (float32, n_probe × width)",
    ...(settings.deadLayer
      ? {
          fault: {
            ...settings.deadLayer,
            how: "biases set to -1e6 after this epoch's updates: the ReLU outputs 0 on every input and never recovers",
          },
        }
      : {}),
    tags: { source: "magtrack demo" },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function metricsLines(records: readonly StepRecord[]): string {
  let text = "";
  for (const { step, metrics } of records) {
    for (const key of METRIC_KEYS) text += `${JSON.stringify({ step, key, value: metrics[key] })}\n`;
  }
  return text;
}

export async function generateDemoStore(root: string, options: DemoOptions = {}): Promise<DemoSummary> {
  const { seed, epochs, runs } = validate(options);
  const { signal } = options;
  signal?.throwIfAborted();
  const task = makeTask(seed);
  const layers = layerSpecs(HIDDEN_WIDTHS, task.shape.classes).map(({ name, width }) => ({ name, width }));
  let filesWritten = 0;
  const summaries: DemoRunSummary[] = [];

  for (const [runIndex, spec] of runs.entries()) {
    const dir = join(root, spec.name);
    const settings: TrainSettings = {
      learningRate: spec.learningRate,
      labelNoise: spec.labelNoise ?? 0,
      epochs,
      batchSize: BATCH_SIZE,
      hiddenWidths: runWidths(spec),
      seed,
      ...(spec.deadLayer ? { deadLayer: spec.deadLayer } : {}),
    };
    const runLayers = layerSpecs(settings.hiddenWidths, task.shape.classes).map(({ name, width }) => ({
      name,
      width,
    }));
    await writeFileAtomic(join(dir, "run.json"), runJson(spec, runIndex, settings, "running", runLayers));
    await writeFileAtomic(join(dir, "params.json"), paramsJson(settings));
    const records: StepRecord[] = [];
    const windows = createWeightWindows(dir);
    let final: StepRecord;
    try {
      final = await trainRun(
        task,
        settings,
        async (record) => {
          for (const layer of record.probeActivations) {
            // float32 like a PyTorch training script would log; the values are computed in float64.
            const bytes = encodeNpy(Float32Array.from(layer.values), [task.shape.probeSize, layer.width]);
            await writeFileAtomic(join(dir, "activations", layer.name, `step_${record.step}.npy`), bytes);
            filesWritten++;
          }
          filesWritten += await windows.write(record.step);
          records.push(record);
          // Rewritten whole after every step (atomically), as a live training job would append.
          await writeFileAtomic(join(dir, "metrics.jsonl"), metricsLines(records));
        },
        signal,
        windows.afterUpdate,
      );
    } catch (error) {
      await writeFileAtomic(join(dir, "run.json"), runJson(spec, runIndex, settings, "killed", runLayers));
      throw error;
    }
    await writeFileAtomic(join(dir, "run.json"), runJson(spec, runIndex, settings, "finished", runLayers));
    filesWritten += 3;
    summaries.push({
      name: spec.name,
      dir,
      learningRate: settings.learningRate,
      labelNoise: settings.labelNoise,
      final: final.metrics,
    });
  }

  return {
    root,
    seed,
    epochs,
    steps: Array.from({ length: epochs + 1 }, (_, i) => i),
    layers,
    probeSize: task.shape.probeSize,
    chanceAccuracy: 1 / task.shape.classes,
    runs: summaries,
    filesWritten,
  };
}
