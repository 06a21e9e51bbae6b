/**
 * "outside finished" (docs/alerts.md, src/alerts/band.ts) on a hand-made local store whose results
 * are already written: four finished runs and running runs checked against them. The band is worked
 * out by hand below, from the stored values, not from magtrack's output.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../adapters/local/index.js";
import type { TrackerAdapter } from "../../src/adapter-kit.js";
import { parseAlertRules } from "../../src/alerts/parse-rule.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

type Values = Record<string, Record<number, number>>; // layer → step → t_conv

async function writeRun(root: string, id: string, status: string, values: Values): Promise<void> {
  await mkdir(join(root, id, "magnitude"), { recursive: true });
  await writeFile(join(root, id, "run.json"), JSON.stringify({ name: id, status, startTime: 0 }));
  const lines = Object.entries(values).flatMap(([layer, steps]) =>
    Object.entries(steps).map(([step, v]) =>
      JSON.stringify({ layer, step: Number(step), metrics: { t_conv: v } }),
    ),
  );
  await writeFile(join(root, id, "magnitude", "metrics.jsonl"), `${lines.join("\n")}\n`);
}

/** Run with offset a, logged every `every` steps up to `last`: t_conv = a + step/last (rounded as decimals). */
const ramp = (a: number, every: number, last: number) => {
  const out: Record<number, number> = {};
  for (let s = 0; s <= last; s += every) out[s] = Math.round((a + s / last) * 1e6) / 1e6;
  return out;
};

/**
 * f1..f3 log every 100 steps to 1000, f4 every 200 to 2000, offsets 1.0, 1.2, 1.4, 1.6: at a fraction
 * f that is a multiple of 0.1 every finished run's value is a + f, so the band is [1.0 + f, 1.6 + f]
 * (f4 is read at its last step ≤ ⌊f · 2000⌋, a multiple of 200). The running run "live" has logged
 * 0..500; its length is taken as max(500, median(1000, 1000, 1000, 2000) = 1000) = 1000, so step s
 * is fraction s/1000.
 */
async function bandStore(finished = ["f1", "f2", "f3", "f4"]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "magtrack-band-"));
  roots.push(root);
  const offsets: Record<string, [number, number, number]> = {
    f1: [1.0, 100, 1000],
    f2: [1.2, 100, 1000],
    f3: [1.4, 100, 1000],
    f4: [1.6, 200, 2000],
  };
  for (const id of finished) {
    const [a, every, last] = offsets[id]!;
    const r = ramp(a, every, last);
    await writeRun(root, id, "finished", { fc1: r, fc2: r, fc3: r });
  }
  // fc1 stays in the middle of the band (1.5 + f); fc2 jumps to 2.5 at step 300, where the band is
  // [1.3, 1.9]; fc3 drops to 0.5 at step 400, where the band is [1.4, 2.0].
  const mid = ramp(1.5, 100, 1000);
  const live = (over: Record<number, number>) =>
    Object.fromEntries(
      Object.entries(mid)
        .filter(([s]) => Number(s) <= 500)
        .map(([s, v]) => [s, over[Number(s)] ?? v]),
    );
  await writeRun(root, "live", "running", {
    fc1: live({}),
    fc2: live({ 300: 2.5, 400: 2.6, 500: 2.7 }),
    fc3: live({ 400: 0.5, 500: 0.4 }),
  });
  return root;
}

const settings = { ...DEFAULT_SETTINGS, mode: "exact" as const };
const record = settingsRecord(settings, "test");

/** The local adapter, counting readState calls per run (the band must be read once per sync). */
function counted(root: string): { adapter: TrackerAdapter; reads: Map<string, number> } {
  const base = createLocalAdapter({ root });
  const reads = new Map<string, number>();
  // Without the index page (run-index/): its own read of every run at the end of a sync is not the band's.
  const { writeRunIndex: _index, ...withoutIndex } = base;
  const adapter: TrackerAdapter = {
    ...withoutIndex,
    readState(run, signal) {
      reads.set(run.id, (reads.get(run.id) ?? 0) + 1);
      return base.readState(run, signal);
    },
  };
  return { adapter, reads };
}

async function sync(adapter: TrackerAdapter, runs: string[], rule: string) {
  const events: SyncEvent[] = [];
  const summary = await syncRuns({
    adapter,
    runFilter: { runs },
    settings,
    settingsRecord: record,
    emit: (e) => events.push(e),
    alertRules: parseAlertRules([rule]),
  });
  return { summary, events, alerts: events.filter((e) => e.type === "alert") };
}

const rule = "magnitude/*/t_conv outside finished";

describe("outside finished", () => {
  it("fires once for each out-of-band layer of the running run at the hand-computed band, never for the in-band layer", async () => {
    const root = await bandStore();
    const { adapter, reads } = counted(root);
    const first = await sync(adapter, ["live"], rule);
    expect(first.summary.failed).toBe(0);
    expect(first.alerts).toEqual([
      expect.objectContaining({
        run: "live",
        key: "magnitude/fc2/t_conv",
        layer: "fc2",
        step: 300,
        value: 2.5,
        detail: "2.5 outside [1.3, 1.9] of 4 finished runs at 30 % of training",
      }),
      expect.objectContaining({
        run: "live",
        key: "magnitude/fc3/t_conv",
        step: 400,
        value: 0.5,
        detail: "0.5 outside [1.4, 2] of 4 finished runs at 40 % of training",
      }),
    ]);
    // the finished runs were read for the band although the sync was limited to "live"
    for (const f of ["f1", "f2", "f3", "f4"]) expect(reads.get(f)).toBe(1);
    const stored = JSON.parse(await readFile(join(root, "live", "magnitude", "alerts.json"), "utf8"));
    expect(stored.alerts).toHaveLength(2);

    const again = await sync(adapter, ["live"], rule);
    expect(again.alerts).toEqual([]);
  });

  it("reads the band once per sync, not once per run", async () => {
    const root = await bandStore();
    // a second running run, a copy of "live"
    await writeRun(root, "live2", "running", {
      fc2: { 0: 1.5, 100: 1.6, 200: 1.7, 300: 2.5, 400: 2.6, 500: 2.7 },
    });
    const { adapter, reads } = counted(root);
    const res = await sync(adapter, ["live", "live2"], rule);
    expect(res.alerts.map((a) => a.type === "alert" && [a.run, a.key, a.step])).toEqual([
      ["live", "magnitude/fc2/t_conv", 300],
      ["live", "magnitude/fc3/t_conv", 400],
      ["live2", "magnitude/fc2/t_conv", 300],
    ]);
    for (const f of ["f1", "f2", "f3", "f4"]) expect(reads.get(f)).toBe(1);
  });

  it("a finished run is checked against the others (itself left out): the lowest and highest runs lie outside", async () => {
    const root = await bandStore();
    const { adapter } = counted(root);
    // f1 (a = 1.0) against f2..f4: band [1.2 + f, 1.6 + f] from step 0 on (f = 0: [1.2, 1.6])
    const res = await sync(adapter, ["f1", "f2"], "magnitude/fc1/t_conv outside finished");
    expect(res.alerts).toEqual([
      expect.objectContaining({
        run: "f1",
        step: 0,
        value: 1,
        detail: "1 outside [1.2, 1.6] of 3 finished runs at 0 % of training",
      }),
    ]);
  });

  it("below 3 finished runs the rule is inert and says so once per sync", async () => {
    const root = await bandStore(["f1", "f2"]);
    await writeRun(root, "live2", "running", { fc2: { 0: 9, 100: 9 } });
    const { adapter } = counted(root);
    const res = await sync(adapter, ["live", "live2"], rule);
    expect(res.alerts).toEqual([]);
    const notices = res.events.filter((e) => e.type === "notice" && e.message.includes("inert"));
    expect(notices).toEqual([
      {
        type: "notice",
        message:
          '"outside finished" rules are inert in this sync: 2 finished run(s) with magtrack results, at least 3 are needed for a band',
      },
    ]);
  });
});
