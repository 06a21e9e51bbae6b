/**
 * Fault storms against the fake W&B server during a sync (15 seeds): 5xx, 429 with Retry-After,
 * and dropped connections — before the server processes a request, or after (the answer lost) —
 * on GraphQL operations, filestream posts and signed storage URLs. Whatever the first sync ends
 * with (retried through, or the run failed alone), a second sync without faults leaves the run
 * exactly as a clean sync does: the old lines, summary and config values untouched, each training
 * step once, `_step` increasing, no pending marker, state finished. Retries wait on an injected
 * clock (no real sleeping).
 * The 15 storms alone all retry through (each fault's count is at most 3, under the retry budget of
 * DEFAULT_RETRY.maxRetries = 5), so 5 more seeds add a persistent 5xx on one operation for the whole
 * first sync: more failures than the budget, so that run fails and the second sync must heal it.
 * The test counts both paths, so it cannot silently stop exercising either.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type ExtendedJson, parseObject, stringifyExtended } from "../../adapters/wandb/extended-json.js";
import { MAGTRACK_CONFIG_KEY, STEP_METRIC } from "../../adapters/wandb/run-config.js";
import { DEFAULT_RETRY } from "../../src/io/http-retry.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import type { FakeRun, FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { adapterFor, startFake } from "../adapters/wandb/harness.js";
import { FIXTURE } from "../adapters/wandb/seed.js";
import { expectCloseResults } from "../helpers/close-results.js";
import { stepCloud } from "../helpers/store.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const STEPS = [0, 1, 2];
const LAYERS = ["fc1", "fc2"];
const SEEDS = Array.from({ length: 15 }, (_, i) => i + 1);
/** Seeds whose first sync also gets a persistent fault (beyond the retry budget). */
const PERSISTENT_SEEDS = Array.from({ length: 5 }, (_, i) => i + 16);

/** x ← (1103515245·x + 12345) mod 2^31, as u ∈ [0, 1). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

async function world(): Promise<{ fake: FakeWandbServer; run: FakeRun }> {
  const fake = await startFake();
  cleanups.push(() => fake.stop());
  const files: Record<string, Uint8Array> = {};
  for (const [l, layer] of LAYERS.entries())
    for (const s of STEPS) files[`${layer}/step_${s}.npy`] = encodeNpy(stepCloud(5 + l, 20, 3, s), [20, 3]);
  const run = fake.addRun({
    name: "trained",
    history: FIXTURE.history,
    summary: FIXTURE.summary,
    config: FIXTURE.config,
    artifacts: [{ type: "activations", sequence: "trained-acts", files }],
  });
  return { fake, run };
}

const sync = (fake: FakeWandbServer) =>
  syncRuns({
    adapter: adapterFor(fake),
    runFilter: {},
    settings: DEFAULT_SETTINGS,
    settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
  });

const TARGETS: { path?: RegExp; operationName?: string }[] = [
  { operationName: "RunResumeStatus" },
  { operationName: "UpsertBucket" },
  { operationName: "CreateRunFiles" },
  { operationName: "MarkRunFilesUploaded" },
  { operationName: "HistoryPage" },
  { operationName: "ArtifactMembershipFiles" },
  { path: /\/file_stream$/ },
  { path: /\/file_stream$/ },
  { path: /^\/signed\// },
];

/** A few faults per seed: kind, target and count drawn from the LCG. */
function storm(fake: FakeWandbServer, rand: () => number): string[] {
  const said: string[] = [];
  const n = 2 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const where = TARGETS[Math.floor(rand() * TARGETS.length)]!;
    const count = 1 + Math.floor(rand() * 3);
    const kind = Math.floor(rand() * 5);
    const name = where.operationName ?? String(where.path);
    if (kind === 0) fake.failNext(500 + Math.floor(rand() * 4), count, where);
    else if (kind === 1) fake.failNext(429, count, where, String(Math.floor(rand() * 3)));
    else if (kind === 2) fake.failNext(503, count, where, "1");
    else fake.dropNext(count, kind === 3 ? "before" : "after", where);
    said.push(`${["5xx", "429", "503", "drop-before", "drop-after"][kind]}×${count} ${name}`);
  }
  return said;
}

/** Operations every first sync of this world sends (read-back, config, tables, history, downloads). */
const PERSISTENT_TARGETS: { path?: RegExp; operationName?: string }[] = [
  { operationName: "RunResumeStatus" },
  { operationName: "UpsertBucket" },
  { operationName: "CreateRunFiles" },
  { path: /\/file_stream$/ },
  { path: /^\/signed\// },
];

/**
 * A 5xx on every request to one target until the faults are cleared: each request of it sees
 * maxRetries + 1 failures and gives up, so the run fails. The target comes from its own LCG draw,
 * so the 15 storms above stay the ones they were.
 */
function persistentFault(fake: FakeWandbServer, rand: () => number): string {
  const where = PERSISTENT_TARGETS[Math.floor(rand() * PERSISTENT_TARGETS.length)]!;
  const status = [500, 502, 503, 504][Math.floor(rand() * 4)]!;
  // Far more than one sync's requests × (maxRetries + 1): it holds for the whole first sync.
  fake.failNext(status, 1000 * (DEFAULT_RETRY.maxRetries + 1), where);
  return `persistent ${status} ${where.operationName ?? String(where.path)}`;
}

/**
 * magtrack's rows without W&B's own step keys, in training-step order. Compared by value within 1e-9
 * relative (test/helpers/close-results.ts): a sync that failed and resumed preconditions and starts
 * t_conv from other earlier steps than a clean one, so the last bits may differ; keys, steps and
 * strings must match exactly.
 */
function magtrackRows(run: FakeRun): Record<string, unknown>[] {
  return run.history
    .slice(FIXTURE.history.length)
    .map((l) => parseObject(l, "row"))
    .map((r) => {
      const { _step, _timestamp, _runtime, ...rest } = r;
      return rest as Record<string, unknown>;
    })
    .sort((a, b) => Number(a[STEP_METRIC]) - Number(b[STEP_METRIC]));
}

function expectLikeClean(run: FakeRun, clean: FakeRun, where: string): void {
  expect(run.history.slice(0, FIXTURE.history.length), `${where}: old lines`).toEqual(FIXTURE.history);
  expectCloseResults(magtrackRows(run), magtrackRows(clean), 1e-9, `${where}: magtrack rows`);
  const steps = run.history.map((l) => Number(parseObject(l, "row")._step));
  for (let i = 1; i < steps.length; i++)
    expect(steps[i], `${where}: _step ${i}`).toBeGreaterThan(steps[i - 1]!);
  const rowSteps = run.history.slice(FIXTURE.history.length).map((l) => parseObject(l, "row")[STEP_METRIC]);
  expect(rowSteps, `${where}: each training step once`).toEqual(STEPS);
  const text = (t: string, w: string) =>
    Object.fromEntries(
      Object.entries(parseObject(t, w)).map(([k, v]) => [k, stringifyExtended(v as ExtendedJson)]),
    );
  const oldSummary = text(FIXTURE.summary, "fixture summary");
  const summary = text(run.summary, "summary");
  for (const [k, v] of Object.entries(oldSummary)) expect(summary[k], `${where}: summary ${k}`).toBe(v);
  const oldConfig = text(FIXTURE.config, "fixture config");
  const config = text(run.config, "config");
  for (const [k, v] of Object.entries(oldConfig))
    if (k !== "_wandb") expect(config[k], `${where}: config ${k}`).toBe(v);
  const mt = parseObject(run.config, "config")[MAGTRACK_CONFIG_KEY] as { value: Record<string, unknown> };
  expect(mt.value.pending, `${where}: pending marker`).toBeUndefined();
  expect(run.state, `${where}: state`).toBe("finished");
}

describe("fault storms during a W&B sync", () => {
  it("20 seeds of 5xx / 429 Retry-After / dropped connections (5 beyond the retry budget): nothing lost or duplicated", async () => {
    const clean = await world();
    expect(await sync(clean.fake)).toMatchObject({ failed: 0, stepsWritten: STEPS.length * LAYERS.length });
    const rand = lcg(20261204);
    const persistentRand = lcg(20261205);
    const report: string[] = [];
    const failedFirst: number[] = [];
    const retriedThrough: number[] = [];
    for (const seed of [...SEEDS, ...PERSISTENT_SEEDS]) {
      const w = await world();
      const said = storm(w.fake, rand);
      if (PERSISTENT_SEEDS.includes(seed)) said.push(persistentFault(w.fake, persistentRand));
      const first = await sync(w.fake);
      (first.failed > 0 ? failedFirst : retriedThrough).push(seed);
      expect(w.run.history.slice(0, FIXTURE.history.length), `seed ${seed}: old lines after storm`).toEqual(
        FIXTURE.history,
      );
      w.fake.clearFaults();
      w.fake.expireHeartbeats(); // a run left "running" by a cut session is crashed on W&B
      const second = await sync(w.fake);
      expect(second.failed, `seed ${seed} (${said.join(", ")})`).toBe(0);
      expectLikeClean(w.run, clean.run, `seed ${seed} (${said.join(", ")})`);
      expect(w.fake.signedWithAuth).toBe(0);
      report.push(
        `seed ${seed}: ${said.join(", ")} → first sync ${first.failed > 0 ? "failed" : "ok"}, healed`,
      );
    }
    console.log(
      `${report.join("\n")}\n${failedFirst.length} first syncs failed the run, ${retriedThrough.length} retried through; all healed`,
    );
    // Both paths are exercised: retry-through (the storms within budget) and fail-then-heal.
    expect(retriedThrough.length, "seeds whose first sync retried through").toBeGreaterThan(0);
    expect(failedFirst.length, "seeds whose first sync failed the run").toBeGreaterThan(0);
    // A fault beyond the retry budget on an operation the sync needs always fails the run.
    expect(failedFirst.filter((s) => PERSISTENT_SEEDS.includes(s))).toEqual(PERSISTENT_SEEDS);
  });
});
