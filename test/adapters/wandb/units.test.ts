/** Pure pieces of the W&B adapter: extended JSON, define_metric encoding, config merge, netrc/env, filters. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ExtendedJson,
  parseExtended,
  sameJson,
  stringifyExtended,
} from "../../../adapters/wandb/extended-json.js";
import { resolveWandbOptions } from "../../../adapters/wandb/from-env.js";
import { buildHistoryLines, resultsFromRows } from "../../../adapters/wandb/history-rows.js";
import { netrcPassword } from "../../../adapters/wandb/netrc.js";
import { mergeConfig, mergeMetricDefinitions } from "../../../adapters/wandb/run-config.js";
import { buildRunsFilter, parseWandbTime } from "../../../adapters/wandb/runs.js";
import { chunkLines } from "../../../adapters/wandb/write-session.js";

describe("extended JSON", () => {
  it("writes non-finite numbers as bare tokens and reads them back", () => {
    const text = stringifyExtended({
      a: Number.NaN,
      b: Number.POSITIVE_INFINITY,
      c: [Number.NEGATIVE_INFINITY, 1.5],
      s: "NaN",
    });
    expect(text).toBe('{"a":NaN,"b":Infinity,"c":[-Infinity,1.5],"s":"NaN"}');
    const back = parseExtended(text, "t") as Record<string, unknown>;
    expect(Number.isNaN(back.a)).toBe(true);
    expect(back.b).toBe(Number.POSITIVE_INFINITY);
    expect(back.c).toEqual([Number.NEGATIVE_INFINITY, 1.5]);
    expect(back.s).toBe("NaN"); // a string stays a string
  });

  it("parses strings with escapes and tokens inside them, and rejects garbage with a named error", () => {
    // -0.5e-3 is not how JS writes -0.0005, so it is kept as its text (lossless, see lossless-json.test.ts).
    const v = parseExtended('{"k\\"NaN": "x NaN \\u00e9", "n": -0.5e-3, "m": 0.25}', "t") as Record<
      string,
      unknown
    >;
    expect(Object.keys(v)).toEqual(['k"NaN', "n", "m"]);
    expect(v['k"NaN']).toBe("x NaN é");
    expect(String(v.n)).toBe("-0.5e-3");
    expect(v.m).toBe(0.25);
    expect(() => parseExtended('{"a": Nan}', "history row 3")).toThrow(/history row 3/);
    expect(() => parseExtended("[1, 2", "t")).toThrow(/WANDB|expected/);
    expect(() => parseExtended("[".repeat(500), "deep")).toThrow(/nesting/);
  });

  it("a __proto__ key is data, not a prototype", () => {
    const v = parseExtended('{"__proto__": {"polluted": true}}', "t") as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(v)).toEqual(["__proto__"]);
  });

  it("sameJson treats NaN as equal to NaN and ignores key order", () => {
    expect(sameJson({ a: Number.NaN, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: Number.NaN })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});

describe("history rows", () => {
  it("one row per training step, _step consecutive from the first free step, layers merged", () => {
    const { rows } = buildHistoryLines(
      [
        { layer: "b", step: 10, metrics: { area: 2 } },
        { layer: "a", step: 0, metrics: { area: 1 } },
        { layer: "a", step: 10, metrics: { area: 3 } },
      ],
      42,
      1700000000,
    );
    expect(rows).toEqual([
      { _step: 42, _timestamp: 1700000000, "magnitude/step": 0, "magnitude/a/area": 1 },
      {
        _step: 43,
        _timestamp: 1700000000,
        "magnitude/step": 10,
        "magnitude/b/area": 2,
        "magnitude/a/area": 3,
      },
    ]);
    const back = resultsFromRows(rows);
    expect(back.map((r) => `${r.layer}@${r.step}=${r.metrics.area}`).sort()).toEqual([
      "a@0=1",
      "a@10=3",
      "b@10=2",
    ]);
  });

  it("ignores rows that are not magtrack's and decodes string-encoded non-finite values", () => {
    const back = resultsFromRows([
      { _step: 1, "train/loss": 0.5, "magnitude/x/area": 9 }, // no magnitude/step: a user's key
      { _step: 2, "magnitude/step": 4, "magnitude/x/diff_ref": "NaN", "magnitude/x/t_conv": "Infinity" },
    ]);
    expect(back).toHaveLength(1);
    expect(back[0]!.step).toBe(4);
    expect(Number.isNaN(back[0]!.metrics.diff_ref)).toBe(true);
    expect(back[0]!.metrics.t_conv).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("filestream chunks", () => {
  it("cuts by line count and by bytes, a long line alone, and always yields one post", () => {
    expect(chunkLines([], 2, 100)).toEqual([[]]);
    expect(chunkLines(["a", "b", "c"], 2, 100)).toEqual([["a", "b"], ["c"]]);
    const long = "x".repeat(50);
    expect(chunkLines(["a", long, "b", "c"], 10, 20)).toEqual([["a"], [long], ["b", "c"]]);
  });
});

describe("define_metric and config merge", () => {
  it("adds the step metric and the glob with a 1-based index to the step entry, after the user's entries", () => {
    expect(mergeMetricDefinitions(undefined)).toEqual([
      { "1": "magnitude/step", "6": [3], "7": [] },
      { "2": "magnitude/*", "5": 1, "6": [1, 3], "7": [] },
    ]);
    const user: ExtendedJson[] = [{ "1": "epoch" }, { "1": "magnitude/step", "6": [3] }];
    expect(mergeMetricDefinitions(user)).toEqual([
      ...user,
      { "2": "magnitude/*", "5": 2, "6": [1, 3], "7": [] },
    ]);
    const full = mergeMetricDefinitions(undefined);
    expect(mergeMetricDefinitions(full)).toEqual(full); // idempotent
  });

  it("creates _wandb when the run has none, keeps references fixed once set, and never touches other keys", () => {
    const base = { user: { value: { nested: [1, 2] }, desc: "kept" } };
    const ref = { layer: "fc1", T: 3, step: 0, source: "pinned" };
    const once = mergeConfig(base, {
      newReferences: [ref],
      settings: { q: "0.9" },
      panels: {},
      historyStart: 7,
    });
    expect(once.user).toEqual(base.user);
    expect(base).toEqual({ user: { value: { nested: [1, 2] }, desc: "kept" } }); // input not mutated
    const twice = mergeConfig(once, {
      newReferences: [{ ...ref, T: 99 }],
      settings: { q: "0.5" },
      panels: {},
      historyStart: 100,
    });
    expect(twice).toEqual(once);
    expect((twice.magtrack as { value: Record<string, unknown> }).value).toEqual({
      references: { fc1: { T: 3, step: 0, source: "pinned" } },
      settings: { q: "0.9" },
      historyStart: 7,
    });
  });
});

describe("netrc and environment", () => {
  const netrc =
    "# comment\nmachine api.wandb.ai\n  login user\n  password k-cloud\nmachine wandb.example.com login user password k-self\ndefault login x password k-default\n";

  it("picks the password of the base URL's host, else the default entry", () => {
    expect(netrcPassword(netrc, "api.wandb.ai")).toBe("k-cloud");
    expect(netrcPassword(netrc, "wandb.example.com")).toBe("k-self");
    expect(netrcPassword(netrc, "other.host")).toBe("k-default");
    expect(netrcPassword("machine a login b password c", "z")).toBeUndefined();
  });

  it("WANDB_API_KEY wins; ~/.netrc by WANDB_BASE_URL host otherwise; flags win over WANDB_ENTITY/PROJECT", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-netrc-"));
    try {
      const netrcPath = join(dir, ".netrc");
      await writeFile(netrcPath, netrc);
      const env = { WANDB_BASE_URL: "https://wandb.example.com/", WANDB_ENTITY: "e", WANDB_PROJECT: "p" };
      expect(resolveWandbOptions(env, { netrcPath })).toMatchObject({
        apiKey: "k-self",
        baseUrl: "https://wandb.example.com",
        entity: "e",
        project: "p",
      });
      expect(
        resolveWandbOptions({ ...env, WANDB_API_KEY: "k-env" }, { netrcPath, project: "flag" }),
      ).toMatchObject({
        apiKey: "k-env",
        project: "flag",
      });
      expect(resolveWandbOptions({ WANDB_ENTITY: "e", WANDB_PROJECT: "p" }, { netrcPath }).baseUrl).toBe(
        "https://api.wandb.ai",
      );
      expect(() => resolveWandbOptions({ WANDB_ENTITY: "e" }, { netrcPath: join(dir, "none") })).toThrow(
        expect.objectContaining({ kind: "auth", message: expect.stringContaining("machine api.wandb.ai") }),
      );
      expect(() => resolveWandbOptions({ WANDB_API_KEY: "secret-key-value" }, {})).toThrow(
        expect.objectContaining({ kind: "usage", message: expect.not.stringContaining("secret-key-value") }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("runs filter", () => {
  it("maps statuses, ids, tags and times to the official MongoDB-style filter", () => {
    expect(buildRunsFilter({})).toBeNull();
    expect(buildRunsFilter({ statuses: ["crashed"] })).toEqual({ state: { $in: ["crashed", "preempted"] } });
    expect(buildRunsFilter({ runs: ["a"], tags: { env: "prod" }, until: Date.UTC(2026, 0, 2) })).toEqual({
      $and: [
        { $or: [{ name: { $in: ["a"] } }, { displayName: { $in: ["a"] } }] },
        { tags: { $in: ["env:prod"] } },
        { createdAt: { $lt: "2026-01-02T00:00:00" } },
      ],
    });
  });

  it("reads W&B's zone-less UTC timestamps as UTC", () => {
    expect(parseWandbTime("2026-01-03T00:00:00")).toBe(Date.UTC(2026, 0, 3));
    expect(parseWandbTime("2026-01-03T00:00:00Z")).toBe(Date.UTC(2026, 0, 3));
    expect(parseWandbTime("garbage")).toBeUndefined();
  });
});
