/**
 * The shared adapter conformance suite: one set of behavioural tests that every tracker adapter
 * (local, mlflow, wandb) must pass. An adapter's test file calls `runAdapterConformance` with a
 * harness that seeds a fresh backing store (a temp folder, an in-process fake server …).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RunRef, RunStatus, StepResult, TrackerAdapter } from "../../src/adapter-kit.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";

export interface SeedRun {
  readonly id: string;
  readonly displayName?: string;
  readonly status: RunStatus;
  /** ms since epoch */
  readonly startTime: number;
  /** Files of the run, path relative to the run's artifact root → bytes. */
  readonly files: Readonly<Record<string, Uint8Array>>;
}

export interface SeededTracker {
  readonly adapter: TrackerAdapter;
  /** Everything the backing store holds (files, metrics, tags …) as a comparable value. */
  snapshot(): Promise<unknown>;
  teardown(): Promise<void>;
}

export interface ConformanceHarness {
  setup(runs: readonly SeedRun[], options: { readonly pageSize: number }): Promise<SeededTracker>;
  /** Statuses this tracker can represent for a run that must not be written (e.g. W&B "running"). */
  readonly deferredStatus?: RunStatus;
}

const bytes = (...values: number[]) => Uint8Array.from(values);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function seedRuns(count: number): SeedRun[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `run${String(i).padStart(2, "0")}`,
    status: "finished" as const,
    startTime: Date.UTC(2026, 0, 1 + i),
    files: {},
  }));
}

function sampleResult(layer: string, step: number, area: number): StepResult {
  return {
    layer,
    step,
    metrics: { area, t_conv: 3.5 + step, dim: 1.25, diff_ref: step === 0 ? 0 : Number.NaN, n: 50 },
    curve: { t: [0, 1.75, 3.5], magnitude: [1, 10.5, 47.5] },
  };
}

/** Two valid steps of one layer: two points at distance 5, then at distance 4. */
function pipelineFiles(): Record<string, Uint8Array> {
  return {
    "activations/fc1/step_0.npy": encodeNpy(Float64Array.from([0, 0, 3, 4]), [2, 2]),
    "activations/fc1/step_1.npy": encodeNpy(Float64Array.from([0, 0, 0, 4]), [2, 2]),
  };
}

function pipelineOptions(adapter: TrackerAdapter) {
  return {
    adapter,
    runFilter: {},
    settings: { ...DEFAULT_SETTINGS, nScales: 8 },
    settingsRecord: settingsRecord({ ...DEFAULT_SETTINGS, nScales: 8 }, "test"),
  };
}

export function runAdapterConformance(name: string, harness: ConformanceHarness): void {
  describe(`adapter conformance: ${name}`, () => {
    let tracker: SeededTracker | undefined;
    afterEach(async () => {
      await tracker?.teardown();
      tracker = undefined;
    });
    const setup = async (runs: readonly SeedRun[], pageSize = 3) => {
      tracker = await harness.setup(runs, { pageSize });
      return tracker;
    };

    it("lists every run exactly once across pages", async () => {
      const t = await setup(seedRuns(7), 3);
      const ids = (await collect(t.adapter.listRuns({ pageSize: 3 }))).map((r) => r.id);
      expect(ids.sort()).toEqual(seedRuns(7).map((r) => r.id));
    });

    it("filters runs by id and by start time", async () => {
      const t = await setup(seedRuns(5), 2);
      const only = await collect(t.adapter.listRuns({ runs: ["run01", "run03"], pageSize: 2 }));
      expect(only.map((r) => r.id).sort()).toEqual(["run01", "run03"]);
      const since = await collect(t.adapter.listRuns({ since: Date.UTC(2026, 0, 3), pageSize: 2 }));
      expect(since.map((r) => r.id).sort()).toEqual(["run02", "run03", "run04"]);
    });

    it("finds activations by the default pattern and ignores everything else", async () => {
      const run: SeedRun = {
        ...seedRuns(1)[0]!,
        files: {
          "activations/fc1/step_0.npy": bytes(1, 2, 3),
          "activations/fc1/step_10.npy": bytes(4, 5),
          "activations/fc2/step_0.npy": bytes(6),
          "activations/fc1/notes.txt": bytes(7),
          "other/step_1.npy": bytes(8),
        },
      };
      const t = await setup([run]);
      const [ref] = await collect(t.adapter.listRuns({}));
      const acts = await collect(t.adapter.listActivations(ref!));
      const keys = acts.map((a) => `${a.layer}@${a.step}:${a.format}`).sort();
      expect(keys).toEqual(["fc1@0:npy", "fc1@10:npy", "fc2@0:npy"]);
      for (const a of acts) expect(a.run.id).toBe(run.id);
    });

    it("reads the exact bytes of an activation file", async () => {
      const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251);
      const t = await setup([{ ...seedRuns(1)[0]!, files: { "activations/conv/step_3.npy": payload } }]);
      const [ref] = await collect(t.adapter.listRuns({}));
      const [act] = await collect(t.adapter.listActivations(ref!));
      const got = await t.adapter.readActivation(act!);
      expect(Buffer.from(got).equals(Buffer.from(payload))).toBe(true);
    });

    it("reports absence as empty values, not errors", async () => {
      const t = await setup(seedRuns(1));
      const [ref] = await collect(t.adapter.listRuns({}));
      expect(await collect(t.adapter.listActivations(ref!))).toEqual([]);
      const state = await t.adapter.readState(ref!);
      expect(state.references).toEqual({});
      expect(state.written).toEqual([]);
      expect(await collect(t.adapter.listRuns({ runs: ["no-such-run"] }))).toEqual([]);
    });

    it("reads back what it wrote, and writing the same batch again adds nothing", async () => {
      const t = await setup(seedRuns(1));
      const [run] = await collect(t.adapter.listRuns({}));
      expect(t.adapter.writeResults).toBeDefined();
      const reference = { layer: "fc1", T: 3.5, step: 0, source: "t_conv(q=0.95)@step 0" };
      const results = [sampleResult("fc1", 0, 0.8125), sampleResult("fc1", 5, 0.71875)];
      const batch = {
        newReferences: [reference],
        results,
        allResults: results,
        references: { fc1: reference },
        charts: [{ path: "magnitude/fc1/curves.svg", contentType: "image/svg+xml", body: "<svg/>" }],
        settings: { "magtrack.q": "0.95" },
      };
      await t.adapter.writeResults!(run!, batch);
      const state = await t.adapter.readState(run!);
      expect(state.references.fc1?.T).toBe(3.5);
      expect(state.references.fc1?.step).toBe(0);
      const written = [...state.written].sort((a, b) => a.step - b.step);
      expect(written.map((r) => `${r.layer}@${r.step}`)).toEqual(["fc1@0", "fc1@5"]);
      expect(written[0]!.metrics.area).toBe(0.8125);
      expect(written[1]!.metrics.area).toBe(0.71875);
      expect(Number.isNaN(written[1]!.metrics.diff_ref)).toBe(true);
      const before = await t.snapshot();
      const report = await t.adapter.writeResults!(run!, batch);
      expect(report.metricsWritten).toBe(0);
      expect(await t.snapshot()).toEqual(before);
      const again = await t.adapter.readState(run!);
      expect(again.written.length).toBe(2);
    });

    it("appends a new step without touching earlier ones", async () => {
      const t = await setup(seedRuns(1));
      const [run] = await collect(t.adapter.listRuns({}));
      const reference = { layer: "fc1", T: 2, step: 0, source: "t_conv(q=0.95)@step 0" };
      const first = [sampleResult("fc1", 0, 0.5)];
      const base = { newReferences: [reference], references: { fc1: reference }, charts: [], settings: {} };
      await t.adapter.writeResults!(run!, { ...base, results: first, allResults: first });
      const second = [sampleResult("fc1", 1, 0.25)];
      await t.adapter.writeResults!(run!, {
        ...base,
        newReferences: [],
        results: second,
        allResults: [...first, ...second],
      });
      const state = await t.adapter.readState(run!);
      const byStep = new Map(state.written.map((r) => [r.step, r.metrics.area]));
      expect([...byStep.entries()].sort()).toEqual([
        [0, 0.5],
        [1, 0.25],
      ]);
      expect(state.references.fc1?.T).toBe(2);
    });

    it("dry-run through the pipeline plans the work and writes nothing", async () => {
      const t = await setup([{ ...seedRuns(1)[0]!, files: pipelineFiles() }]);
      const before = await t.snapshot();
      const events: SyncEvent[] = [];
      const summary = await syncRuns({
        ...pipelineOptions(t.adapter),
        dryRun: true,
        emit: (e) => events.push(e),
      });
      expect(summary.failed).toBe(0);
      const planned = events.find((e) => e.type === "run-planned");
      expect(
        planned?.type === "run-planned" && planned.reads.map((r) => `${r.layer}@${r.step}`).sort(),
      ).toEqual(["fc1@0", "fc1@1"]);
      expect(await t.snapshot()).toEqual(before);
    });

    it("a real sync through the pipeline writes every step once; a second sync writes nothing", async () => {
      const t = await setup([{ ...seedRuns(1)[0]!, files: pipelineFiles() }]);
      const first = await syncRuns(pipelineOptions(t.adapter));
      expect(first).toMatchObject({ failed: 0, stepsWritten: 2 });
      const [run] = await collect(t.adapter.listRuns({}));
      const state = await t.adapter.readState(run!);
      expect(state.written.map((r) => `${r.layer}@${r.step}`).sort()).toEqual(["fc1@0", "fc1@1"]);
      expect(state.references.fc1?.step).toBe(0);
      // Two points at distance 5 (step 0): t_conv solves 2/(1+e^(−5t)) = 0.95·2, t = ln(19)/5.
      expect(state.references.fc1?.T).toBeCloseTo(Math.log(19) / 5, 9);
      const before = await t.snapshot();
      const second = await syncRuns(pipelineOptions(t.adapter));
      expect(second).toMatchObject({ failed: 0, stepsWritten: 0, unchanged: 1 });
      expect(await t.snapshot()).toEqual(before);
    });

    if (harness.deferredStatus !== undefined) {
      it(`defers runs whose status is ${harness.deferredStatus}`, async () => {
        const t = await setup([{ ...seedRuns(1)[0]!, status: harness.deferredStatus! }]);
        const [run] = await collect(t.adapter.listRuns({}));
        expect(t.adapter.deferReason?.(run as RunRef)).toMatch(/\S/);
      });
    }
  });
}
