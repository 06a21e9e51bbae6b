/** Reading back magtrack's rows from a long history: windowed, never down-sampled, started at the hint. */
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
    maxStep: LINES + 1000,
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
  expect(historyPages().length).toBe(3); // _step 0 … 2501 in windows of 1000
  const before = run.history.length;
  await adapter.writeResults!(r, batchOf([result("fc1", 0, 0.5), result("fc1", 1, 0.25)]));
  expect(run.history.length).toBe(before); // nothing twice
});
