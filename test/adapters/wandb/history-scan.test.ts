/**
 * Reading back magtrack's rows from a long history: windowed by rows (not steps), never
 * down-sampled, started at the hint.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunRef, TrackerAdapter } from "../../../src/adapter-kit.js";
import { batchOf, result } from "./batch.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";

let fake: FakeWandbServer;
let adapter: TrackerAdapter;
let run: FakeRun;
const LINES = 2500;

beforeEach(async () => {
  fake = await startFake();
  run = fake.addRun({
    name: "long",
    history: Array.from({ length: LINES }, (_, i) => `{"_step":${i},"loss":${1 / (i + 1)}}`),
    summary: `{"_step":${LINES - 1},"loss":${1 / LINES}}`,
  });
  adapter = adapterFor(fake);
});
afterEach(() => fake.stop());

const ref = async (): Promise<RunRef> => {
  for await (const r of adapter.listRuns({})) return r;
  throw new Error("none");
};
const historyPages = () => fake.log.filter((r) => r.operationName === "HistoryPage");

it("a first read asks only for the history keys; after writing, one window from the hint suffices", async () => {
  const r = await ref();
  expect((await adapter.readState(r)).written).toEqual([]);
  expect(historyPages()).toHaveLength(0);
  await adapter.writeResults!(r, batchOf([result("fc1", 0, 0.5), result("fc1", 1, 0.25)]));
  expect(run.history.length).toBe(LINES + 2);
  fake.log.length = 0;
  const state = await adapter.readState(r);
  expect(state.written.map((w) => w.step).sort()).toEqual([0, 1]);
  expect(historyPages()).toHaveLength(1);
  expect(historyPages()[0]!.variables).toMatchObject({
    minStep: LINES,
    maxStep: LINES + 2, // the 2 steps since the hint hold at most 2 rows: one window
    pageSize: 1000,
  });
});

it("without the config hint (config replaced by someone) it scans every window and still finds every row", async () => {
  const r = await ref();
  await adapter.writeResults!(r, batchOf([result("fc1", 0, 0.5), result("fc1", 1, 0.25)]));
  // Someone overwrote the config without magtrack's block: the rows are still in the history.
  run.config = '{"_wandb": {"value": {"t": {"1": [1]}}}}';
  fake.log.length = 0;
  const state = await adapter.readState(r);
  expect(state.written.map((w) => w.step).sort()).toEqual([0, 1]);
  expect(historyPages().length).toBe(3); // _step 0 … 2501 (2502 lines): windows of 900 rows
  const before = run.history.length;
  await adapter.writeResults!(r, batchOf([result("fc1", 0, 0.5), result("fc1", 1, 0.25)]));
  expect(run.history.length).toBe(before); // nothing twice
});

it("steps up to 10^7 without the hint: one window, not 10^4", async () => {
  const sparse = fake.addRun({
    name: "sparse",
    createdAt: Date.UTC(2027, 0, 1),
    history: [0, 5_000_000, 10_000_000].map((s) => `{"_step":${s},"loss":0.5}`),
    summary: '{"_step":10000000,"loss":0.5}',
  });
  let r: RunRef | undefined;
  for await (const x of adapter.listRuns({ runs: ["sparse"] })) r = x;
  await adapter.writeResults!(r!, batchOf([result("fc1", 0, 0.5), result("fc1", 1, 0.25)]));
  sparse.config = '{"_wandb": {"value": {"t": {"1": [1]}}}}'; // the hint is gone
  const fresh = adapterFor(fake);
  for await (const x of fresh.listRuns({ runs: ["sparse"] })) r = x;
  fake.log.length = 0;
  const state = await fresh.readState(r!);
  expect(state.written.map((w) => w.step).sort()).toEqual([0, 1]);
  expect(historyPages()).toHaveLength(1);
  expect(historyPages()[0]!.variables).toMatchObject({ minStep: 0, maxStep: 10_000_003 }); // magtrack's rows took _step 10^7+1, +2
  expect(fake.log).toHaveLength(1); // the runs page told line count, last step and history keys
});

it("dense and sparse stretches of magtrack rows: every row read, in O(rows/page + log(span)) windows (full pages re-read in quarters)", async () => {
  // 2,000 rows at _step 0…1999, then 1,000 rows 10,000 steps apart (up to ~10^7).
  const steps = [
    ...Array.from({ length: 2000 }, (_, i) => i),
    ...Array.from({ length: 1000 }, (_, i) => 2000 + (i + 1) * 10_000),
  ];
  const history = steps.map(
    (s, i) => `{"_step":${s},"magnitude/step":${i},"magnitude/fc1/area":${(i % 7) / 8}}`,
  );
  fake.addRun({
    name: "mixed",
    createdAt: Date.UTC(2027, 0, 2),
    history,
    summary: `{"_step":${steps.at(-1)}}`,
  });
  let r: RunRef | undefined;
  for await (const x of adapter.listRuns({ runs: ["mixed"] })) r = x;
  fake.log.length = 0;
  const state = await adapter.readState(r!);
  expect(state.written).toHaveLength(3000);
  expect(new Set(state.written.map((w) => w.step)).size).toBe(3000);
  for (const w of state.written) expect(w.metrics.area).toBe((w.step % 7) / 8);
  // Bound: 4 windows per page of rows + 2·log2(span / page) for shrinking and regrowing
  // = 4·3 + 2·log2(10^7 / 10^3) ≈ 38; windowing by steps took 10^4.
  expect(historyPages().length).toBeLessThanOrEqual(4 * 3 + 2 * Math.ceil(Math.log2(1e7 / 1e3)));
  console.log(`mixed history (3,000 rows over 10^7 steps): ${historyPages().length} HistoryPage calls`);
});

it("the run's own metrics (readRunMetrics, for the report) use the same windows: 10^7 sparse steps in one window, 2,500 dense lines all read", async () => {
  const sparse = fake.addRun({
    name: "sparse-metrics",
    createdAt: Date.UTC(2027, 0, 1),
    history: [0, 5_000_000, 10_000_000].map((s, i) => `{"_step":${s},"loss":${i + 1}}`),
    summary: '{"_step":10000000,"loss":3}',
  });
  expect(sparse.history).toHaveLength(3);
  let r: RunRef | undefined;
  for await (const x of adapter.listRuns({ runs: ["sparse-metrics"] })) r = x;
  fake.log.length = 0;
  const metrics = await adapter.readRunMetrics!(r!, () => true);
  expect(metrics.loss).toEqual([
    { step: 0, value: 1 },
    { step: 5_000_000, value: 2 },
    { step: 10_000_000, value: 3 },
  ]);
  expect(historyPages()).toHaveLength(1); // a 1,000-step loop would take 10^4 requests

  // The dense run of this file: 2,500 lines → windows of ≤ 900 rows, never a full (down-sampled) page.
  fake.log.length = 0;
  const dense = await adapter.readRunMetrics!(await ref(), (key) => key === "loss");
  expect(dense.loss).toHaveLength(LINES);
  expect(dense.loss![LINES - 1]).toEqual({ step: LINES - 1, value: 1 / LINES });
  expect(
    historyPages().every((p) => Number(p.variables?.maxStep) - Number(p.variables?.minStep) <= 1000),
  ).toBe(true);
});
