/**
 * Issue 10 acceptance, through the CLI (`magtrack sync --tracker wandb`) against the fake that
 * follows the official clients (JSON vs JSONString scalars, artifact-relative names, line-offset
 * filestream, wholesale summary/config replace): a project with a finished, a running and a
 * crashed run, synced twice.
 * - both syncs exit 0; the first appends magtrack's rows once per (layer, step); the second sends
 *   no write at all (no filestream post, upsertBucket, createRunFiles);
 * - every history line that existed is byte-identical; every summary and config key that existed
 *   serialises to the same text as before (numbers as written — 2^53+1, a 20-digit seed, 0.0,
 *   1e20 — NaN/Infinity tokens, key order including Go-sorted `_wandb.t` keys; whitespace between
 *   tokens is not part of a value);
 * - with --no-live, the running and the crashed run are deferred and untouched (state, history,
 *   summary, config, files); the live view (default) is tested in live*.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ExtendedJson, parseObject, stringifyExtended } from "../../../adapters/wandb/extended-json.js";
import { encodeNpy } from "../../../src/io/npy-write.js";
import { cli } from "../../helpers/cli.js";
import { stepCloud } from "../../helpers/store.js";
import { lockFile } from "../../ops/helpers/mlflow-ops.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { startFake, TEST_KEY } from "./harness.js";
import { FIXTURE } from "./seed.js";

const BIG = "9007199254740993"; // 2^53 + 1: a JS number would read 9007199254740992
const SEED = "12345678901234567891";
/** Python-written text (", " and ": "), with the values a plain JSON round trip changes. */
const SUMMARY =
  `{"train/loss": 1.204, "val/acc": 0.861, "zero": 0.0, "ids": {"big": ${BIG}, "neg": -0.0}, ` +
  `"grad/norm": Infinity, "worst": NaN, "e20": 1e20, "_step": 4, "_runtime": 58.8, "_wandb": {"runtime": 58}}`;
const CONFIG =
  `{"seed": {"desc": null, "value": ${SEED}}, "wd": {"desc": null, "value": 0.0}, "big": {"desc": null, "value": ${BIG}}, ` +
  `"_wandb": {"desc": null, "value": {"t": {"1": [1, 5], "12": "0.21.0", "13": "linux-x86_64", "2": [1], "3": [2, 16]}, ` +
  `"cli_version": "0.21.0", "m": [{"1": "train/step", "6": [3], "7": []}]}}}`;
const HISTORY = [
  ...FIXTURE.history.slice(0, 4),
  `{"_step": 4, "_runtime": 60.0, "ids": ${BIG}, "lr": 0.0, "train/loss": -Infinity}`,
];
const LAYERS = ["fc1", "fc2"];
const STEPS = [0, 5, 10];

let fake: FakeWandbServer;
const npy = (seed: number, step: number) => encodeNpy(stepCloud(seed, 24, 3, step), [24, 3]);

function activationsArtifact(name: string) {
  const files: Record<string, Uint8Array> = {};
  for (const [l, layer] of LAYERS.entries())
    for (const s of STEPS) files[`${layer}/step_${s}.npy`] = npy(3 + l, s);
  return { type: "activations", sequence: `${name}-activations`, files };
}

beforeEach(async () => {
  fake = await startFake();
  for (const [name, state, day] of [
    ["finished-run", "finished", 1],
    ["running-run", "running", 2],
    ["crashed-run", "crashed", 3],
  ] as const) {
    fake.addRun({
      name,
      state,
      createdAt: Date.UTC(2026, 0, day),
      history: HISTORY,
      summary: SUMMARY,
      config: CONFIG,
      files: { "output.log": new TextEncoder().encode("log") },
      artifacts: [activationsArtifact(name)],
    });
  }
});
afterEach(() => fake.stop());

const sync = async () =>
  cli(
    [
      "sync",
      "--tracker",
      "wandb",
      "--entity",
      "team",
      "--project",
      "proj",
      "--json",
      // Issue 10's deferral path (the live view, on by default, is test/adapters/wandb/live*.test.ts).
      "--no-live",
      "--lock-file",
      await lockFile(),
    ],
    {
      env: { WANDB_API_KEY: TEST_KEY, WANDB_BASE_URL: fake.baseUrl },
    },
  );

/** Each value of an object as the text it serialises to (the byte-level comparison). */
const valueTexts = (text: string, what: string) =>
  Object.fromEntries(Object.entries(parseObject(text, what)).map(([k, v]) => [k, stringifyExtended(v)]));
const keyOrder = (text: string) => Object.keys(valueTexts(text, "order"));

function magtrackRows(run: FakeRun): Record<string, ExtendedJson>[] {
  return run.history.slice(HISTORY.length).map((l) => parseObject(l, "row"));
}

const WRITES = new Set(["UpsertBucket", "CreateRunFiles", "MarkRunFilesUploaded"]);
const writesIn = (log: FakeWandbServer["log"]) =>
  log.filter(
    (r) =>
      r.path.endsWith("/file_stream") ||
      (r.path.startsWith("/signed/") && r.method === "PUT") ||
      WRITES.has(r.operationName ?? ""),
  );

describe("issue 10 acceptance: two syncs of a finished, a running and a crashed run", () => {
  it("appends once, then writes nothing; every value that existed is unchanged; others untouched", async () => {
    const untouched = fake.snapshot() as { name: string }[];
    const before = (name: string) => untouched.find((r) => r.name === name);

    const first = await sync();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const done = fake.run("finished-run");

    // Pre-existing history lines: byte-identical, at their offsets.
    expect(done.history.slice(0, HISTORY.length)).toEqual(HISTORY);
    // magtrack's rows: one per training step, every (layer, step) exactly once, _step continuing.
    const rows = magtrackRows(done);
    expect(rows.map((r) => r["magnitude/step"])).toEqual(STEPS);
    expect(rows.map((r) => r._step)).toEqual([5, 6, 7]);
    for (const r of rows)
      for (const layer of LAYERS) expect(typeof r[`magnitude/${layer}/area`]).toBe("number");

    // Summary and config: every key that existed serialises to the same text, in the same order.
    const summaryBefore = valueTexts(SUMMARY, "seed summary");
    const summaryAfter = valueTexts(done.summary, "summary");
    for (const [k, text] of Object.entries(summaryBefore)) expect(summaryAfter[k], `summary ${k}`).toBe(text);
    expect(summaryAfter.ids).toBe(`{"big":${BIG},"neg":-0.0}`);
    expect(summaryAfter.zero).toBe("0.0");
    expect(keyOrder(done.summary).slice(0, Object.keys(summaryBefore).length)).toEqual(
      Object.keys(summaryBefore),
    );
    const configBefore = valueTexts(CONFIG, "seed config");
    const configAfter = valueTexts(done.config, "config");
    for (const k of ["seed", "wd", "big"]) expect(configAfter[k], `config ${k}`).toBe(configBefore[k]);
    expect(configAfter.seed).toBe(`{"desc":null,"value":${SEED}}`);
    const wandbValue = (text: string) =>
      (parseObject(text, "c")._wandb as { value: Record<string, ExtendedJson> }).value;
    expect(stringifyExtended(wandbValue(done.config).t)).toBe(
      '{"1":[1,5],"12":"0.21.0","13":"linux-x86_64","2":[1],"3":[2,16]}',
    );
    expect(stringifyExtended((wandbValue(done.config).m as ExtendedJson[])[0])).toBe(
      '{"1":"train/step","6":[3],"7":[]}',
    );
    expect(done.state).toBe("finished");
    expect(
      (parseObject(done.config, "c").magtrack as { value: Record<string, unknown> }).value.pending,
    ).toBeUndefined();

    // The running and the crashed run: deferred, untouched.
    const events = first.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; run?: string });
    expect(
      events
        .filter((e) => e.type === "run-deferred")
        .map((e) => e.run)
        .sort(),
    ).toEqual(["crashed-run", "running-run"]);
    const now = fake.snapshot() as { name: string }[];
    for (const name of ["running-run", "crashed-run"])
      expect(now.find((r) => r.name === name)).toEqual(before(name));

    // Second sync: exit 0, no write request of any kind, nothing changed anywhere.
    const afterFirst = fake.snapshot();
    const logAt = fake.log.length;
    const second = await sync();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(writesIn(fake.log.slice(logAt))).toEqual([]);
    expect(fake.snapshot()).toEqual(afterFirst);
    expect(fake.historyOverwrites).toBe(0);
    expect(fake.signedWithAuth).toBe(0);
  });
});
