/**
 * The pure parts of the shared scale: the reference order, the mode choice (and what a tracker without
 * an experiment-level store gets), the record's validation, and reading references written before
 * scale modes existed.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scaleFileName } from "../../adapters/local/experiment-scale.js";
import { createLocalAdapter } from "../../adapters/local/index.js";
import type { RunRef, TrackerAdapter } from "../../src/adapter-kit.js";
import { decodeExperimentScale, encodeExperimentScale } from "../../src/experiment-scale/record.js";
import { referenceOrder } from "../../src/experiment-scale/reference-order.js";
import { sharedScalesFor } from "../../src/experiment-scale/scale-mode.js";
import { scaleOf } from "../../src/experiment-scale/scale-of.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { DEFAULT_SETTINGS } from "../../src/sync/settings.js";
import { IN_PROCESS } from "../../src/sync/step-result.js";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines } from "../helpers/store.js";

const ref = (id: string, startTime?: number): RunRef => ({
  id,
  status: "finished",
  ...(startTime === undefined ? {} : { startTime }),
});

describe("reference order", () => {
  it("earliest start first, runs without a start time last, ties by run id (not locale order)", () => {
    const runs = [
      ref("b", 5),
      ref("none-b"),
      ref("a", 5),
      ref("Z", 5),
      ref("early", 1),
      ref("none-a"),
      ref("nan", Number.NaN),
    ];
    expect(referenceOrder(runs).map((r) => r.id)).toEqual([
      "early",
      "Z",
      "a",
      "b",
      "nan",
      "none-a",
      "none-b",
    ]);
  });
});

describe("scale mode", () => {
  const noStore: TrackerAdapter = {
    name: "wandb",
    listRuns: async function* () {},
    listActivations: async function* () {},
    readActivation: async () => new Uint8Array(),
    readState: async () => ({ references: {}, written: [] }),
  };
  const options = (settings: typeof DEFAULT_SETTINGS, events: SyncEvent[] = []) => ({
    adapter: noStore,
    settings,
    settingsRecord: {},
    computer: IN_PROCESS,
    maxFileBytes: 1,
    emit: (e: SyncEvent) => events.push(e),
  });

  it("a tracker without an experiment-level store: explicit --scale experiment is refused, the default falls back with a notice", () => {
    expect(() => sharedScalesFor(options({ ...DEFAULT_SETTINGS, scale: "experiment" }))).toThrow(
      expect.objectContaining({ code: "SCALE_NOT_SUPPORTED", kind: "usage" }),
    );
    expect(() => sharedScalesFor(options({ ...DEFAULT_SETTINGS, scale: "experiment" }))).toThrow(
      /tracker wandb.*--scale run/,
    );
    const events: SyncEvent[] = [];
    expect(sharedScalesFor(options(DEFAULT_SETTINGS, events))).toBeUndefined();
    expect(events).toEqual([{ type: "notice", message: expect.stringContaining("--scale run") }]);
  });

  it("--scale run and --t-max use no shared scale, whatever the tracker", () => {
    const local = { ...options(DEFAULT_SETTINGS), adapter: createLocalAdapter({ root: "/nonexistent" }) };
    expect(sharedScalesFor({ ...local, settings: { ...DEFAULT_SETTINGS, scale: "run" } })).toBeUndefined();
    expect(sharedScalesFor({ ...local, settings: { ...DEFAULT_SETTINGS, tMax: 2 } })).toBeUndefined();
    expect(sharedScalesFor(local)).toBeDefined();
  });
});

describe("the experiment scale record", () => {
  const good = { layer: "fc1", T: 2.5, run: "r", step: 3, source: "s", settings: { "magtrack.q": "0.95" } };

  it("round-trips", () => {
    expect(decodeExperimentScale(encodeExperimentScale(good), "x")).toEqual(good);
  });

  it.each([
    ["not json", "not JSON"],
    ["[1]", "not an object"],
    [JSON.stringify({ ...good, T: -1 }), "T is not a positive number"],
    [JSON.stringify({ ...good, T: "2" }), "T is not a positive number"],
    [JSON.stringify({ ...good, step: 1.5 }), "step is not an integer"],
    [JSON.stringify({ ...good, settings: { "magtrack.q": 0.95 } }), "settings.magtrack.q is not a string"],
    [JSON.stringify({ ...good, settings: undefined }), "settings is not an object"],
  ])("refuses %s with a typed error naming where it was read", (text, why) => {
    expect(() => decodeExperimentScale(text, "/root/.magtrack/scale/f.json")).toThrow(
      expect.objectContaining({
        code: "BAD_EXPERIMENT_SCALE",
        message: expect.stringContaining(
          `/root/.magtrack/scale/f.json: unreadable experiment scale (${why})`,
        ),
      }),
    );
  });

  it("refuses to store a non-positive or non-finite T", () => {
    expect(() => encodeExperimentScale({ ...good, T: Number.NaN })).toThrow(/not a positive finite number/);
  });

  it("a corrupt scale file in a local store fails that layer's steps by name; nothing is written for them", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    try {
      await mkdir(join(root, ".magtrack", "scale"), { recursive: true });
      const file = join(root, ".magtrack", "scale", scaleFileName("fc1"));
      await writeFile(file, "{ half");
      const out = await cli(["sync", "--root", root, "--json", "--workers", "1"]);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain("BAD_EXPERIMENT_SCALE");
      expect(out.stdout).toContain(file);
      expect(await readResultLines(root, "a")).toEqual([]);
      expect(await readFile(file, "utf8")).toBe("{ half"); // left as found
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("local scale file names", () => {
  it("stay inside the scale folder, bounded in length, distinct for names differing by case or cut by length", () => {
    const names = [
      "../../etc",
      "a/b",
      ".",
      "..",
      "x".repeat(5000),
      `${"x".repeat(5000)}y`,
      "FC1",
      "fc1",
      "é ü",
    ];
    const files = names.map(scaleFileName);
    for (const f of files) {
      expect(f).not.toContain("/");
      expect(f.startsWith(".")).toBe(false);
      expect(f.length).toBeLessThanOrEqual(150 + 14);
    }
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(names.length);
  });
});

describe("references written before scale modes", () => {
  it("read as pinned when their source says so, else per-run", () => {
    expect(scaleOf({ source: "pinned (--t-max)" })).toBe("pinned");
    expect(scaleOf({ source: "t_conv(q=0.95) at step 0" })).toBe("run");
    expect(scaleOf({ source: "", scale: "experiment" })).toBe("experiment");
  });
});
