/**
 * What a W&B sync with nothing new costs, counted on the fake server (requests, never time).
 * Before this change every finished run cost 5 GraphQL calls (RunResumeStatus, HistoryPage,
 * RunOutputArtifacts, ArtifactMembershipFiles, RunFiles): 502 requests for 100 runs, 10,040 for
 * 2,000 (bench/wandb-noop-requests.ts at 52bed98). Now the runs page (RunFragment's
 * historyLineCount + summaryMetrics + config) decides each run against the fingerprint magtrack's
 * last complete write left (sync-fingerprint.ts): only the runs pages remain. A run that changed
 * (history appended, summary rewritten) is read and listed in full, and writes what is new.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseObject } from "../../../adapters/wandb/extended-json.js";
import { SCALE_RUN_ID } from "../../../adapters/wandb/scale-run.js";
import { summaryDigest } from "../../../adapters/wandb/sync-fingerprint.js";
import { encodeNpy } from "../../../src/io/npy-write.js";
import { syncRuns } from "../../../src/sync/run-many.js";
import { stepCloud } from "../../helpers/store.js";
import type { FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";
import { requestsByKind, STEPS, seedSyncedProject, syncOptions } from "./synced-project.js";

let fake: FakeWandbServer;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(() => fake.stop());

const PER_PAGE = 50; // RunFilter.pageSize default of the W&B adapter

describe("W&B no-op sync: requests", () => {
  for (const count of [100, 2000]) {
    it(`${count} unchanged runs cost the runs pages only (ceil((${count} + 1)/50) requests), and change nothing`, async () => {
      await seedSyncedProject(fake, adapterFor(fake), count);
      // the project also holds magtrack's scale run (scale-run.ts), listed on the pages and skipped
      expect(fake.run(SCALE_RUN_ID).state).toBe("finished");
      const before = fake.snapshot();
      const summary = await syncRuns(syncOptions(adapterFor(fake)));
      expect(summary).toMatchObject({ runs: count, failed: 0, stepsWritten: 0 });
      expect(requestsByKind(fake)).toEqual({ Runs: Math.ceil((count + 1) / PER_PAGE) });
      expect(fake.snapshot()).toEqual(before);
    });
  }

  it("a run whose history grew or whose summary changed is read and listed in full; new files are written", async () => {
    const runs = await seedSyncedProject(fake, adapterFor(fake), 5);
    // run 1 was resumed and logged a line; run 2 got a new step's activations and a summary update.
    runs[1]!.history.push(`{"_step":${runs[1]!.history.length + 100},"loss":0.01}`);
    const newStep = STEPS.at(-1)! + 10;
    runs[2]!.artifacts[0]!.files.set(
      `fc1/step_${newStep}.npy`,
      encodeNpy(stepCloud(1, 24, 3, newStep), [24, 3]),
    );
    runs[2]!.artifacts[0]!.files.set(
      `activations/fc1/step_${newStep}.npy`,
      encodeNpy(stepCloud(1, 24, 3, newStep), [24, 3]),
    );
    runs[2]!.summary = runs[2]!.summary.replace(/\}$/, ', "epoch": 9}');
    const linesBefore = runs.map((r) => r.history.length);
    const summary = await syncRuns(syncOptions(adapterFor(fake)));
    expect(summary).toMatchObject({ runs: 5, failed: 0, stepsWritten: 1 });
    const perRun = (name: string) =>
      fake.log.filter((r) => JSON.stringify(r.variables ?? {}).includes(`"${name}"`)).length;
    expect(perRun(runs[0]!.name)).toBe(0);
    expect(perRun(runs[1]!.name)).toBeGreaterThan(0); // read, listed, nothing new: nothing written
    expect(runs[1]!.history.length).toBe(linesBefore[1]);
    expect(runs[2]!.history.length).toBe(linesBefore[2]! + 1); // the new step, once
    for (const i of [0, 3, 4]) expect(perRun(runs[i]!.name)).toBe(0);

    // The write left a new fingerprint: the next sync costs the runs page, except run 1, which no
    // write has vouched for since its history grew (it stays on the full path until one does).
    fake.log.length = 0;
    const again = await syncRuns(syncOptions(adapterFor(fake)));
    expect(again).toMatchObject({ runs: 5, failed: 0, stepsWritten: 0 });
    expect(perRun(runs[2]!.name)).toBe(0);
    expect(perRun(runs[1]!.name)).toBeGreaterThan(0);
  });

  it("a write that left files uncomputed (a step filter) vouches for nothing: the next sync computes the rest", async () => {
    const run = fake.addRun({
      name: "filtered",
      artifacts: [
        {
          type: "activations",
          sequence: "filtered-acts",
          files: Object.fromEntries(
            STEPS.flatMap((s) => {
              const bytes = encodeNpy(stepCloud(1, 24, 3, s), [24, 3]);
              return [
                [`fc1/step_${s}.npy`, bytes],
                [`activations/fc1/step_${s}.npy`, bytes],
              ];
            }),
          ),
        },
      ],
    });
    const first = await syncRuns({ ...syncOptions(adapterFor(fake)), stepFilter: { stepMax: STEPS[0]! } });
    expect(first.stepsWritten).toBe(1);
    expect(run.config).not.toContain('"synced"');
    fake.log.length = 0;
    const second = await syncRuns(syncOptions(adapterFor(fake)));
    expect(second.stepsWritten).toBe(STEPS.length - 1);
    expect(run.config).toContain('"synced"'); // now every listed file is covered
    fake.log.length = 0;
    const third = await syncRuns(syncOptions(adapterFor(fake)));
    expect(third.stepsWritten).toBe(0);
    expect(requestsByKind(fake)).toEqual({ Runs: 1 });
  });

  it("fullCheck (MAGTRACK_WANDB_FULL_CHECK=1) reads and lists every run, and still writes nothing", async () => {
    await seedSyncedProject(fake, adapterFor(fake), 10);
    const before = fake.snapshot();
    const summary = await syncRuns(syncOptions(adapterFor(fake, { fullCheck: true })));
    expect(summary).toMatchObject({ runs: 10, failed: 0, stepsWritten: 0 });
    const kinds = requestsByKind(fake);
    expect(kinds.RunOutputArtifacts).toBe(10);
    expect(kinds.RunFiles).toBe(10);
    expect(fake.snapshot()).toEqual(before);
  });
});

describe("W&B no-op fingerprint: summary digest", () => {
  it("ignores key order (a server may reorder) but sees any value change", () => {
    const a = parseObject('{"b": {"y": 1, "x": [1, {"q": 2, "p": 3}]}, "a": 0.5, "n": NaN}', "a");
    const b = parseObject('{"a": 0.5, "n": NaN, "b": {"x": [1, {"p": 3, "q": 2}], "y": 1}}', "b");
    expect(summaryDigest(a)).toBe(summaryDigest(b));
    const c = parseObject('{"a": 0.5, "n": NaN, "b": {"x": [1, {"p": 3, "q": 2}], "y": 2}}', "c");
    expect(summaryDigest(c)).not.toBe(summaryDigest(a));
    const d = parseObject('{"a": 0.5, "n": NaN, "b": {"x": [{"p": 3, "q": 2}, 1], "y": 1}}', "d");
    expect(summaryDigest(d)).not.toBe(summaryDigest(a)); // array order is data
  });
});
