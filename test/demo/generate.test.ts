import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilePattern, DEFAULT_ACTIVATION_PATTERN } from "../../src/adapter-kit.js";
import { MagtrackError } from "../../src/core/errors.js";
import {
  DEFAULT_DEMO_RUNS,
  type DemoSummary,
  generateDemoStore,
  SWEEP_DEMO_RUNS,
} from "../../src/demo/generate.js";
import { checkNpyHeader, npyFloat32Values } from "./npy-header-check.js";

const LAYERS = { hidden1: 64, hidden2: 64, logits: 4 } as const;
const PROBE_ROWS = 200;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

interface MetricLine {
  step: number;
  key: string;
  value: number;
}

async function readMetrics(root: string, run: string): Promise<MetricLine[]> {
  const text = await readFile(join(root, run, "metrics.jsonl"), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as MetricLine);
}

const metric = (lines: MetricLine[], key: string, step: number) =>
  lines.find((l) => l.key === key && l.step === step)?.value ?? Number.NaN;

async function probeValues(root: string, run: string, layer: string, step: number): Promise<Float32Array> {
  const bytes = new Uint8Array(await readFile(join(root, run, "activations", layer, `step_${step}.npy`)));
  return npyFloat32Values(bytes, checkNpyHeader(bytes));
}

/** ‖A_to − A_from‖_F / ‖A_from‖_F for one layer's probe activations. */
async function relativeChange(root: string, run: string, layer: string, from: number, to: number) {
  const [a, b] = await Promise.all([probeValues(root, run, layer, from), probeValues(root, run, layer, to)]);
  let diff = 0;
  let base = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (b[i] - a[i]) ** 2;
    base += a[i] ** 2;
  }
  return Math.sqrt(diff / base);
}

/** Mean Euclidean norm of the probe rows of one activation file. */
async function meanRowNorm(root: string, run: string, layer: string, step: number): Promise<number> {
  const values = await probeValues(root, run, layer, step);
  const width = LAYERS[layer as keyof typeof LAYERS];
  let sum = 0;
  for (let i = 0; i < PROBE_ROWS; i++) {
    let sq = 0;
    for (let j = 0; j < width; j++) sq += values[i * width + j] ** 2;
    sum += Math.sqrt(sq);
  }
  return sum / PROBE_ROWS;
}

let scratch: string;
let rootA: string;
let summary: DemoSummary;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "magtrack-demo-test-"));
  rootA = join(scratch, "a");
  summary = await generateDemoStore(rootA);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("generateDemoStore: layout and files", () => {
  it("writes run.json, params.json, metrics.jsonl, one .npy per (layer, step) and the weight windows for every default run, nothing else", async () => {
    const files = await listFiles(rootA);
    const expected: string[] = [];
    for (const run of DEFAULT_DEMO_RUNS) {
      expected.push(`${run.name}/metrics.jsonl`, `${run.name}/params.json`, `${run.name}/run.json`);
      for (const layer of Object.keys(LAYERS)) {
        for (let step = 0; step <= 10; step++)
          expected.push(`${run.name}/activations/${layer}/step_${step}.npy`);
      }
      // Weight windows at every second epoch (src/demo/weight-windows.ts, test/demo/weight-windows.test.ts).
      for (const step of [2, 4, 6, 8, 10]) expected.push(`${run.name}/trajectory/all/step_${step}.npy`);
    }
    expect(files).toEqual(expected.sort()); // also: no temporary files left behind
    expect(summary.filesWritten).toBe(expected.length);
    expect(summary.steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(summary.layers).toEqual(Object.entries(LAYERS).map(([name, width]) => ({ name, width })));
  });

  it("every activation path matches the default pattern activations/{layer}/step_{step}.npy", async () => {
    const match = compilePattern(DEFAULT_ACTIVATION_PATTERN);
    for (const run of DEFAULT_DEMO_RUNS) {
      const found = (await listFiles(join(rootA, run.name)))
        .filter((path) => path.startsWith("activations/"))
        .map((path) => match(path));
      expect(found).toHaveLength(33);
      for (const m of found) {
        expect(m).not.toBeNull();
        expect(m!.format).toBe("npy");
        expect(Object.keys(LAYERS)).toContain(m!.layer);
      }
    }
  });

  it("every .npy is float32, C order, n_probe × width, with finite values", async () => {
    for (const run of DEFAULT_DEMO_RUNS) {
      for (const [layer, width] of Object.entries(LAYERS)) {
        for (const step of [0, 5, 10]) {
          const bytes = new Uint8Array(
            await readFile(join(rootA, run.name, "activations", layer, `step_${step}.npy`)),
          );
          const header = checkNpyHeader(bytes);
          expect(header).toMatchObject({ descr: "<f4", fortranOrder: false, shape: [PROBE_ROWS, width] });
          expect(npyFloat32Values(bytes, header).every(Number.isFinite)).toBe(true);
        }
      }
    }
  });

  it("run.json carries name, finished status, fixed start time and hyper-parameters", async () => {
    for (const [i, run] of DEFAULT_DEMO_RUNS.entries()) {
      const meta = JSON.parse(await readFile(join(rootA, run.name, "run.json"), "utf8"));
      expect(meta.name).toBe(run.name);
      expect(meta.status).toBe("finished");
      expect(meta.startTime).toBe(Date.UTC(2024, 0, 1, 0, 10 * i)); // 2024-01-01T00:00Z + 10 min per run
      expect(meta.params).toMatchObject({
        learning_rate: run.learningRate,
        label_noise: run.labelNoise ?? 0,
        epochs: 10,
      });
    }
  });

  it("metrics.jsonl holds loss, train/test accuracy and test loss for steps 0 … 10", async () => {
    for (const run of DEFAULT_DEMO_RUNS) {
      const lines = await readMetrics(rootA, run.name);
      expect(lines).toHaveLength(11 * 4);
      for (const line of lines) {
        expect(Object.keys(line)).toEqual(["step", "key", "value"]);
        expect(Number.isFinite(line.value)).toBe(true);
        if (line.key.endsWith("accuracy")) expect(line.value).toBeGreaterThanOrEqual(0);
        if (line.key.endsWith("accuracy")) expect(line.value).toBeLessThanOrEqual(1);
      }
      expect(new Set(lines.map((l) => l.key))).toEqual(
        new Set(["loss", "train_accuracy", "test_loss", "test_accuracy"]),
      );
    }
  });
});

describe("generateDemoStore: the training is real", () => {
  it("the best run beats chance (1/4) on the held-out test set by a wide margin", async () => {
    expect(summary.chanceAccuracy).toBe(0.25);
    const finals = await Promise.all(
      DEFAULT_DEMO_RUNS.map(async (run) => metric(await readMetrics(rootA, run.name), "test_accuracy", 10)),
    );
    expect(Math.max(...finals)).toBeGreaterThan(0.6);
    // The summary reports the same final numbers as the file.
    expect(summary.runs.map((r) => r.final.test_accuracy)).toEqual(finals);
  });

  it("the baseline's loss falls and its test accuracy rises from step 0 to the last step", async () => {
    const lines = await readMetrics(rootA, "lr-0.1");
    expect(metric(lines, "loss", 10)).toBeLessThan(0.5 * metric(lines, "loss", 0));
    expect(metric(lines, "test_accuracy", 10)).toBeGreaterThan(metric(lines, "test_accuracy", 0) + 0.3);
  });

  it("runs start from the same weights: step-0 activations are byte-identical across runs", async () => {
    for (const layer of Object.keys(LAYERS)) {
      const [first, ...rest] = await Promise.all(
        DEFAULT_DEMO_RUNS.map((run) => readFile(join(rootA, run.name, "activations", layer, "step_0.npy"))),
      );
      for (const other of rest) expect(other.equals(first)).toBe(true);
    }
  });

  it("the runs differ: slow lr learns slower, label noise fits noisy labels, representations diverge", async () => {
    const slow = await readMetrics(rootA, "lr-0.01");
    const base = await readMetrics(rootA, "lr-0.1");
    const noisy = await readMetrics(rootA, "lr-0.1-noise-0.4");
    // After ten epochs the 10× smaller learning rate is still behind on the training loss …
    expect(metric(slow, "loss", 10)).toBeGreaterThan(metric(base, "loss", 10) + 0.05);
    // … and its hidden representation has moved much less from the shared initial one.
    const drift = async (run: string) => relativeChange(rootA, run, "hidden2", 0, 10);
    expect(await drift("lr-0.01")).toBeLessThan(0.7 * (await drift("lr-0.1"))); // about 0.3 vs 0.6
    // 40 % flipped labels cap the achievable train accuracy (measured against the noisy labels)
    // near 0.6 · (clean accuracy) + 0.4 · (1/3 chance of guessing a flipped label's class): well below the baseline.
    expect(metric(noisy, "train_accuracy", 10)).toBeLessThan(metric(base, "train_accuracy", 10) - 0.15);
    // Activation geometry moves apart: the mean probe-row norm of hidden2 at the last step differs by > 10 %.
    const norms = await Promise.all(
      DEFAULT_DEMO_RUNS.map((run) => meanRowNorm(rootA, run.name, "hidden2", 10)),
    );
    for (let i = 0; i < norms.length; i++) {
      for (let j = i + 1; j < norms.length; j++) {
        expect(Math.abs(norms[i] - norms[j]) / Math.max(norms[i], norms[j])).toBeGreaterThan(0.1);
      }
    }
  });
});

describe("generateDemoStore: determinism", () => {
  it("the same seed gives byte-identical files; another seed gives different ones", async () => {
    const rootB = join(scratch, "b");
    await generateDemoStore(rootB);
    const files = await listFiles(rootA);
    expect(await listFiles(rootB)).toEqual(files);
    for (const file of files) {
      const [a, b] = await Promise.all([readFile(join(rootA, file)), readFile(join(rootB, file))]);
      expect(a.equals(b), file).toBe(true);
    }
    const rootC = join(scratch, "c");
    await generateDemoStore(rootC, { seed: 2, epochs: 1, runs: [DEFAULT_DEMO_RUNS[1]] });
    for (const file of ["lr-0.1/activations/hidden1/step_0.npy", "lr-0.1/metrics.jsonl"]) {
      const [a, c] = await Promise.all([readFile(join(rootA, file)), readFile(join(rootC, file))]);
      expect(a.equals(c), file).toBe(false);
    }
  });
});

describe("generateDemoStore: options and cancellation", () => {
  const bad: [string, Parameters<typeof generateDemoStore>[1], string][] = [
    ["negative seed", { seed: -1 }, "DEMO_BAD_SEED"],
    ["fractional seed", { seed: 1.5 }, "DEMO_BAD_SEED"],
    ["zero epochs", { epochs: 0 }, "DEMO_BAD_EPOCHS"],
    ["no runs", { runs: [] }, "DEMO_BAD_RUNS"],
    ["path in run name", { runs: [{ name: "../escape", learningRate: 0.1 }] }, "DEMO_BAD_RUN_NAME"],
    [
      "duplicate run",
      {
        runs: [
          { name: "x", learningRate: 0.1 },
          { name: "x", learningRate: 0.2 },
        ],
      },
      "DEMO_DUPLICATE_RUN",
    ],
    ["zero learning rate", { runs: [{ name: "x", learningRate: 0 }] }, "DEMO_BAD_LR"],
    ["NaN learning rate", { runs: [{ name: "x", learningRate: Number.NaN }] }, "DEMO_BAD_LR"],
    ["label noise 1", { runs: [{ name: "x", learningRate: 0.1, labelNoise: 1 }] }, "DEMO_BAD_NOISE"],
  ];
  for (const [what, options, code] of bad) {
    it(`rejects ${what} with a usage error (${code}) and writes nothing`, async () => {
      const root = join(scratch, `bad-${code}`);
      const error = await generateDemoStore(root, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MagtrackError);
      expect(error).toMatchObject({ kind: "usage", code });
      expect((error as Error).message).toMatch(/^magtrack demo: /);
      await expect(stat(root)).rejects.toMatchObject({ code: "ENOENT" });
    });
  }

  it("an already aborted signal rejects before writing anything", async () => {
    const root = join(scratch, "aborted");
    const controller = new AbortController();
    controller.abort();
    await expect(generateDemoStore(root, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    await expect(stat(root)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("aborting mid-training stops, marks the interrupted run killed and leaves only complete files", async () => {
    const root = join(scratch, "interrupted");
    const controller = new AbortController();
    // Abort as soon as the first run has written its step-2 activations (polling the store).
    const watcher = setInterval(() => {
      stat(join(root, "lr-0.01", "activations", "logits", "step_2.npy")).then(
        () => controller.abort(),
        () => {},
      );
    }, 1);
    const outcome = await generateDemoStore(root, { signal: controller.signal }).catch((e: unknown) => e);
    clearInterval(watcher);
    expect(outcome).toMatchObject({ name: "AbortError" });
    const files = await listFiles(root);
    expect(files.some((f) => f.endsWith(".tmp"))).toBe(false);
    const statuses = await Promise.all(
      DEFAULT_DEMO_RUNS.filter((run) => files.includes(`${run.name}/run.json`)).map(
        async (run) => JSON.parse(await readFile(join(root, run.name, "run.json"), "utf8")).status,
      ),
    );
    expect(statuses.at(-1)).toBe("killed");
    for (const file of files.filter((f) => f.endsWith(".npy"))) {
      checkNpyHeader(new Uint8Array(await readFile(join(root, file))));
    }
    expect(files.filter((f) => f.endsWith(".npy")).length).toBeLessThan(99);
  });
});

describe("generateDemoStore: params.json and the sweep", () => {
  it("params.json holds the run's hyper-parameters as numbers", async () => {
    const params = JSON.parse(await readFile(join(rootA, "lr-0.1-noise-0.4", "params.json"), "utf8"));
    expect(params).toMatchObject({ learning_rate: 0.1, label_noise: 0.4, hidden_width: 64, epochs: 10 });
  });

  it("the demo's sweep has 12 runs, unique names, varied lr, noise and width, and holds the three default runs", () => {
    expect(SWEEP_DEMO_RUNS).toHaveLength(12);
    expect(new Set(SWEEP_DEMO_RUNS.map((r) => r.name)).size).toBe(12);
    expect(new Set(SWEEP_DEMO_RUNS.map((r) => r.learningRate)).size).toBe(4);
    expect(new Set(SWEEP_DEMO_RUNS.map((r) => r.labelNoise ?? 0)).size).toBe(3);
    expect(new Set(SWEEP_DEMO_RUNS.map((r) => r.hiddenWidth ?? 64)).size).toBe(2);
    for (const run of DEFAULT_DEMO_RUNS) expect(SWEEP_DEMO_RUNS).toContainEqual(run);
  });
});
