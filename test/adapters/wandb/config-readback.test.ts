/**
 * The config read-back checks what magtrack wrote and nothing else: a server that adds keys on
 * write is fine (and keeps them), a server that changes magtrack's entry fails loudly, and in
 * both cases the pending marker does not stay behind.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { magtrackConfigProblems } from "../../../adapters/wandb/config-readback.js";
import { parseObject, stringifyExtended } from "../../../adapters/wandb/extended-json.js";
import { mergeConfig } from "../../../adapters/wandb/run-config.js";
import type { RunRef, TrackerAdapter } from "../../../src/adapter-kit.js";
import { batchOf, result } from "./batch.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";
import { FIXTURE, seedFinishedRun } from "./seed.js";

type Obj = Record<string, unknown>;
const obj = (text: string) => parseObject(text, "test") as Obj;
const magtrackValue = (config: string) => (obj(config).magtrack as { value: Obj }).value;

describe("magtrackConfigProblems", () => {
  const base = parseObject(FIXTURE.config, "fixture");
  const sent = mergeConfig(base, {
    newReferences: [{ layer: "fc1", T: 2.5, step: 0, source: "t_conv" }],
    settings: { engine: "exact" },
    panels: { "magnitude/fc1/curves": { panel_type: "Vega2", panel_config: { userQuery: {} } } },
  });
  const stored = () => parseObject(stringifyExtended(sent), "stored");

  it("the same config, or one with keys added anywhere, passes", () => {
    expect(magtrackConfigProblems(stored(), sent)).toEqual([]);
    const more = stored() as Obj;
    more.server_key = { value: 1 };
    ((more.magtrack as Obj).value as Obj).server_note = "x";
    ((more._wandb as Obj).value as Obj).extra = [1];
    expect(magtrackConfigProblems(more as never, sent)).toEqual([]);
  });

  it("a changed magtrack entry, a moved define_metric record, a changed panel or a stale marker fail", () => {
    const a = stored() as Obj;
    ((a.magtrack as Obj).value as Obj).references = {};
    expect(magtrackConfigProblems(a as never, sent)).toEqual([
      "config magtrack differs from what was written",
    ]);
    const b = stored() as Obj;
    const m = ((b._wandb as Obj).value as Obj).m as unknown[];
    m.unshift({ "1": "server/step" }); // indexes shift: the glob's step index would point wrong
    expect(magtrackConfigProblems(b as never, sent).some((p) => p.startsWith("config _wandb.m["))).toBe(true);
    const c = stored() as Obj;
    delete (((c._wandb as Obj).value as Obj).visualize as Obj)["magnitude/fc1/curves"];
    expect(magtrackConfigProblems(c as never, sent)).toEqual([
      "config _wandb.visualize.magnitude/fc1/curves differs",
    ]);
    const d = stored() as Obj;
    ((d.magtrack as Obj).value as Obj).pending = { state: "finished", startedAt: "x" };
    expect(magtrackConfigProblems(d as never, sent)).toEqual([
      "config magtrack.value.pending is still there after it was removed",
    ]);
  });
});

describe("syncing into a server that changes the config on write", () => {
  let fake: FakeWandbServer;
  let run: FakeRun;
  let adapter: TrackerAdapter;
  beforeEach(async () => {
    fake = await startFake();
    run = seedFinishedRun(fake);
    adapter = adapterFor(fake);
  });
  afterEach(() => fake.stop());
  const ref = async (): Promise<RunRef> => {
    for await (const r of adapter.listRuns({ runs: [FIXTURE.name] })) return r;
    throw new Error("not listed");
  };
  const results = [result("fc1", 0, 0.8125), result("fc1", 10, 0.71875)];

  it("a key the server adds on every write is tolerated and kept; later syncs pass; no marker", async () => {
    fake.onConfigWrite = (text) => {
      const c = obj(text);
      c.server_added = { value: "v" }; // stored text is what the server holds
      return stringifyExtended(c);
    };
    const first = await adapter.writeResults!(await ref(), batchOf(results));
    expect(first.metricsWritten).toBeGreaterThan(0);
    expect(obj(run.config).server_added).toEqual({ value: "v" });
    expect(magtrackValue(run.config).pending).toBeUndefined();
    const lines = run.history.length;
    const second = await adapter.writeResults!(await ref(), batchOf(results));
    expect(second.metricsWritten).toBe(0);
    expect(run.history).toHaveLength(lines);
    const third = await adapter.writeResults!(await ref(), batchOf([...results, result("fc1", 20, 0.7)]));
    expect(third.metricsWritten).toBeGreaterThan(0);
    expect(magtrackValue(run.config).pending).toBeUndefined();
    expect(run.state).toBe("finished");
  });

  it("a server that drops magtrack's settings fails loudly, writes no history, and leaves no marker", async () => {
    let writes = 0;
    fake.onConfigWrite = (text) => {
      if (writes++ > 0) return text; // only the session's opening write is mangled
      const c = obj(text);
      delete ((c.magtrack as Obj).value as Obj).settings;
      return stringifyExtended(c);
    };
    await expect(
      adapter.writeResults!(await ref(), { ...batchOf(results), settings: { engine: "exact" } }),
    ).rejects.toMatchObject({
      code: "WANDB_READBACK_MISMATCH",
      message: expect.stringContaining("magtrack"),
    });
    expect(run.history).toEqual(FIXTURE.history);
    expect(run.state).toBe("finished");
    expect(magtrackValue(run.config).pending).toBeUndefined();
    expect(writes).toBe(2); // the cleanup's write removed the marker
  });
});
