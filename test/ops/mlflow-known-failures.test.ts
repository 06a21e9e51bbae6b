/**
 * Known failures in MLflow (tag magtrack.failures): a NaN layer fails once and is recorded in the
 * run; the next sync does not download it again, says so and ends without a failure; a replaced
 * file (new size) is read again, and once it computes the tag is deleted (runs/delete-tag).
 */
import { afterEach, describe, expect, it } from "vitest";
import { FAILURES_TAG } from "../../adapters/mlflow/failures.js";
import { createMlflowAdapter } from "../../adapters/mlflow/index.js";
import type { TrackerAdapter } from "../../src/adapter-kit.js";
import { decodeKnownFailures } from "../../src/io/known-failure-record.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { type ComputeSettings, DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import type { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import { stepCloud } from "../helpers/store.js";
import { EXPERIMENT, opsRuns, startMlflow } from "./helpers/mlflow-ops.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const SETTINGS: ComputeSettings = { ...DEFAULT_SETTINGS, mode: "exact" };
const BAD = "activations/fc2/step_1.npy";

function nanCloud(rows: number): Uint8Array {
  const data = stepCloud(3, rows, 3, 1);
  data[4] = Number.NaN;
  return encodeNpy(data, [rows, 3]);
}

async function sync(adapter: TrackerAdapter, retryFailed = false) {
  const events: SyncEvent[] = [];
  const summary = await syncRuns({
    adapter,
    runFilter: {},
    settings: SETTINGS,
    settingsRecord: settingsRecord(SETTINGS, "test"),
    emit: (e) => events.push(e),
    retryFailed,
    lease: { settleMs: 0 },
  });
  return { summary, events };
}

describe("known failures in MLflow", () => {
  it("are recorded in a run tag, not downloaded again while unchanged, and the tag is deleted once they clear", async () => {
    const [seed] = opsRuns(1);
    const s: FakeMlflowServer = await startMlflow([
      { ...seed!, files: { ...seed!.files, [BAD]: nanCloud(24) } },
    ]);
    cleanups.push(() => s.stop());
    const adapter = createMlflowAdapter({ trackingUri: s.url, experimentName: EXPERIMENT, warn: () => {} });
    const downloadsOfBad = () => s.requests.filter((r) => r.path.endsWith(BAD)).length;

    const first = await sync(adapter);
    expect(first.summary).toMatchObject({ fileFailures: 1, failed: 1, knownFailuresSkipped: 0 });
    const tag = s.runs.get("run0")!.tags.get(FAILURES_TAG);
    expect(decodeKnownFailures(tag).map((f) => [f.path, f.digest, f.code])).toEqual([
      [BAD, `size=${nanCloud(24).length}`, "NON_FINITE"],
    ]);
    const afterFirst = downloadsOfBad();
    expect(afterFirst).toBe(1);

    const second = await sync(adapter);
    expect(second.summary).toMatchObject({ fileFailures: 0, failed: 0, knownFailuresSkipped: 1 });
    expect(second.events.find((e) => e.type === "known-failures-skipped")).toMatchObject({ paths: [BAD] });
    expect(downloadsOfBad()).toBe(afterFirst);
    // Unchanged record: no tag write at all.
    const tagWrites = () =>
      s.requests.filter(
        (r) => /runs\/(set|delete)-tag$/.test(r.path) && (r.body as { key: string }).key === FAILURES_TAG,
      ).length;
    expect(tagWrites()).toBe(1);

    const retried = await sync(adapter, true);
    expect(retried.summary).toMatchObject({ fileFailures: 1, knownFailuresSkipped: 0 });
    expect(downloadsOfBad()).toBe(afterFirst + 1);
    expect(tagWrites()).toBe(1); // failed again with the same record

    // Replaced by a finite file with one more row (a new size, so a new digest): read, written, cleared.
    s.runs.get("run0")!.artifacts.set(BAD, Buffer.from(encodeNpy(stepCloud(3, 25, 3, 1), [25, 3])));
    const fixed = await sync(adapter);
    expect(fixed.summary).toMatchObject({
      fileFailures: 0,
      failed: 0,
      knownFailuresSkipped: 0,
      stepsWritten: 1,
    });
    expect(s.runs.get("run0")!.tags.has(FAILURES_TAG)).toBe(false);
    // Deletes of this record only (the lease tag is deleted after every sync that held a run).
    const deletes = s.requests.filter(
      (r) => r.path.endsWith("runs/delete-tag") && (r.body as { key?: string }).key !== "magtrack.lease",
    );
    expect(deletes.map((r) => r.body)).toEqual([{ run_id: "run0", key: FAILURES_TAG }]);
  });
});
