/**
 * The whole pipeline (syncRuns) against the fake W&B server: activations from an `activations`
 * artifact, results written into the seeded finished run, a re-sync that writes nothing, a
 * running run deferred, and the metrics equal to the core's profile of the same clouds.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { parseObject } from "../../../adapters/wandb/extended-json.js";
import { computeProfile } from "../../../src/core/profile.js";
import { encodeNpy } from "../../../src/io/npy-write.js";
import { syncRuns } from "../../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../../src/sync/settings.js";
import { stepCloud } from "../../helpers/store.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";
import { FIXTURE } from "./seed.js";

let fake: FakeWandbServer;
let run: FakeRun;
const N = 30;
const D = 3;
const cloud = (step: number) => stepCloud(7, N, D, step);

beforeEach(async () => {
  fake = await startFake();
  run = fake.addRun({
    name: "trained",
    history: FIXTURE.history,
    summary: FIXTURE.summary,
    config: FIXTURE.config,
    artifacts: [
      {
        type: "activations",
        sequence: "trained-acts",
        files: Object.fromEntries([0, 5].map((s) => [`fc1/step_${s}.npy`, encodeNpy(cloud(s), [N, D])])),
      },
    ],
  });
  fake.addRun({ name: "still-running", state: "running", createdAt: Date.UTC(2026, 6, 1) });
});
afterEach(() => fake.stop());

it("syncs, re-syncs to nothing, defers the running run (live view off), and writes the core's numbers", async () => {
  const adapter = adapterFor(fake, { live: false });
  const options = {
    adapter,
    runFilter: {},
    settings: DEFAULT_SETTINGS,
    settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
  };
  const first = await syncRuns(options);
  expect(first).toMatchObject({ runs: 2, deferred: 1, failed: 0, stepsWritten: 2 });
  expect(run.history.slice(0, FIXTURE.history.length)).toEqual(FIXTURE.history);
  const rows = run.history.slice(FIXTURE.history.length).map((l) => parseObject(l, "row"));
  expect(rows.map((r) => [r._step, r["magnitude/step"]])).toEqual([
    [5, 0],
    [6, 5],
  ]);
  // The reference step's t_conv fixes T; both steps are evaluated on [0, T] (the core's own closed path).
  const p0 = computeProfile({ data: cloud(0), n: N, d: D });
  const p5 = computeProfile({ data: cloud(5), n: N, d: D }, { tMax: p0.tConv! });
  expect(rows[0]!["magnitude/fc1/t_conv"]).toBeCloseTo(p0.tConv!, 10);
  expect(rows[1]!["magnitude/fc1/area"]).toBeCloseTo(p5.magAreaScaled, 10);
  expect(run.state).toBe("finished");
  expect(fake.run("still-running").history).toEqual([]);

  const linesAfterFirst = run.history.length;
  const requestsFirst = fake.log.length;
  const second = await syncRuns(options);
  expect(second).toMatchObject({ deferred: 1, failed: 0, stepsWritten: 0 });
  expect(run.history.length).toBe(linesAfterFirst);
  expect(fake.signedWithAuth).toBe(0);
  console.log(`W&B requests: first sync ${requestsFirst}, re-sync ${fake.log.length - requestsFirst}`);
});
