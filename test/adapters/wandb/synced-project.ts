/**
 * A fake W&B project of `count` finished runs that magtrack has already synced, for counting what a
 * sync with nothing new costs. One template run (the fixture's history, summary and config, an
 * `activations` artifact of LAYERS × STEPS small clouds) is synced for real with syncRuns; the
 * other runs are copies of what that sync left in it (history lines, summary, config, the table
 * file, the artifact under a sequence of their own), so each is exactly a run magtrack finished.
 */
import { randomBytes } from "node:crypto";
import { encodeNpy } from "../../../src/io/npy-write.js";
import { syncRuns } from "../../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../../src/sync/settings.js";
import { stepCloud } from "../../helpers/store.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import type { adapterFor } from "./harness.js";
import { FIXTURE } from "./seed.js";

export const LAYERS = ["fc1", "fc2"];
export const STEPS = [0, 10, 20];
const N = 24;
const D = 3;

export const syncOptions = (adapter: ReturnType<typeof adapterFor>) => ({
  adapter,
  runFilter: {},
  settings: DEFAULT_SETTINGS,
  settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
});

export async function seedSyncedProject(
  fake: FakeWandbServer,
  adapter: ReturnType<typeof adapterFor>,
  count: number,
): Promise<FakeRun[]> {
  const files: Record<string, Uint8Array> = {};
  for (const [l, layer] of LAYERS.entries()) {
    for (const step of STEPS)
      files[`${layer}/step_${step}.npy`] = encodeNpy(stepCloud(l + 1, N, D, step), [N, D]);
  }
  const template = fake.addRun({
    name: "run-00000",
    createdAt: Date.UTC(2026, 0, 1),
    history: FIXTURE.history,
    summary: FIXTURE.summary,
    config: FIXTURE.config,
    // Both spellings: relative to the artifact root (a job that did art.add_dir("activations")) and
    // with the activations/ prefix. {layer} never spans a "/", so exactly one set matches whichever
    // default pattern this checkout has.
    artifacts: [
      {
        type: "activations",
        sequence: "run-00000-acts",
        files: {
          ...files,
          ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`activations/${k}`, v])),
        },
      },
    ],
  });
  const first = await syncRuns(syncOptions(adapter));
  if (first.stepsWritten === 0) throw new Error("synced-project: the template sync wrote nothing");
  const runs = [template];
  for (let i = 1; i < count; i++) {
    const name = `run-${String(i).padStart(5, "0")}`;
    const copy: FakeRun = {
      ...structuredClone({ ...template, files: undefined, artifacts: undefined }),
      storageId: `UnVuOnYx${randomBytes(6).toString("hex")}`,
      name,
      displayName: name,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace(/\.\d{3}Z$/, ""),
      files: new Map([...template.files].map(([k, f]) => [k, { ...f }])),
      artifacts: template.artifacts.map((a) => ({
        ...a,
        id: `QXJ0aWZhY3Q6${randomBytes(5).toString("hex")}`,
        sequence: `${name}-acts`,
        files: new Map(a.files),
      })),
    } as FakeRun;
    fake.runs.push(copy);
    runs.push(copy);
  }
  fake.log.length = 0;
  return runs;
}

/** Requests in the fake's log, by GraphQL operation name (or method + path kind). */
export function requestsByKind(fake: FakeWandbServer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of fake.log) {
    const kind =
      r.operationName ??
      (r.path.endsWith("/file_stream")
        ? "file_stream"
        : r.path.startsWith("/signed/")
          ? `${r.method} signed`
          : r.path);
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}
