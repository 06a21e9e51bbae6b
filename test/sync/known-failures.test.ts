/**
 * Issue 11: failures that clear. A permanently bad file (here: NaN activations under the default
 * --non-finite fail, and a file that is not .npy at all) fails once, is recorded in the store
 * (magnitude/failures.json), and later syncs set it aside, say how many, and exit 0 while it is
 * unchanged. --retry-failed reads it again; a changed file is read again by itself.
 */
import { readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ActivationRef, KnownFailure, RunRef, RunState, TrackerAdapter } from "../../src/adapter-kit.js";
import { MagtrackError } from "../../src/core/errors.js";
import { TrackerError } from "../../src/io/http-errors.js";
import { decodeKnownFailures, encodeKnownFailures } from "../../src/io/known-failure-record.js";
import {
  failureSettingsKey,
  isPermanentFailure,
  recordKnownFailures,
  setAsideKnownFailures,
} from "../../src/sync/known-failures.js";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines, stepCloud, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const events = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });

/** Run "a": fc1 steps 0, 1 good; fc2 step 0 holds a NaN (fails under --non-finite fail). */
async function storeWithBadLayer(): Promise<string> {
  const root = await makeStore({ runs: { a: { layers: { fc1: [0, 1] } } } });
  roots.push(root);
  const bad = stepCloud(7, 40, 4, 0);
  bad[5] = Number.NaN;
  await writeStep(root, "a", "fc2", 0, bad, 40, 4);
  return root;
}

describe("known failures (local store)", () => {
  it("fail once (exit 1), then are set aside with exit 0 and a count; --retry-failed reads them again", async () => {
    const root = await storeWithBadLayer();
    const first = await cli(["sync", "--root", root, "--json", "--workers", "1"]);
    expect(first.code).toBe(1);
    const failed = events(first.stdout).filter((e) => e.type === "file-failed");
    expect(failed.map((e) => [e.path, e.code])).toEqual([["activations/fc2/step_0.npy", "NON_FINITE"]]);
    const record = decodeKnownFailures(await readFile(join(root, "a", "magnitude", "failures.json"), "utf8"));
    expect(record.map((f) => [f.path, f.layer, f.step, f.code])).toEqual([
      ["activations/fc2/step_0.npy", "fc2", 0, "NON_FINITE"],
    ]);
    expect((await readResultLines(root, "a")).map((l) => `${l.layer}@${l.step}`)).toEqual(["fc1@0", "fc1@1"]);

    const second = await cli(["sync", "--root", root, "--json", "--workers", "1"]);
    expect(second.code).toBe(0);
    const ev2 = events(second.stdout);
    expect(ev2.filter((e) => e.type === "file-failed")).toEqual([]);
    expect(ev2.find((e) => e.type === "known-failures-skipped")).toMatchObject({
      run: "a",
      count: 1,
      paths: ["activations/fc2/step_0.npy"],
    });
    expect(ev2.at(-1)).toMatchObject({
      type: "summary",
      knownFailuresSkipped: 1,
      fileFailures: 0,
      failed: 0,
    });

    const human = await cli(["sync", "--root", root, "--workers", "1"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("1 known failures set aside (--retry-failed to read them again)");

    const retried = await cli(["sync", "--root", root, "--json", "--retry-failed", "--workers", "1"]);
    expect(retried.code).toBe(1);
    expect(events(retried.stdout).filter((e) => e.type === "file-failed")).toHaveLength(1);
  });

  it("a replaced file is read again; once it computes, it leaves the record", async () => {
    const root = await storeWithBadLayer();
    expect((await cli(["sync", "--root", root, "--json", "--workers", "1"])).code).toBe(1);
    const path = join(root, "a", "activations", "fc2", "step_0.npy");
    const before = await stat(path);
    await writeStep(root, "a", "fc2", 0, stepCloud(7, 40, 4, 0), 40, 4); // same size, finite
    await utimes(path, before.atime, new Date(before.mtimeMs + 5000)); // a new digest for sure
    const fixed = await cli(["sync", "--root", root, "--json", "--workers", "1"]);
    expect(fixed.code).toBe(0);
    expect(events(fixed.stdout).find((e) => e.type === "known-failures-skipped")).toBeUndefined();
    expect((await readResultLines(root, "a")).map((l) => `${l.layer}@${l.step}`)).toContain("fc2@0");
    await expect(stat(join(root, "a", "magnitude", "failures.json"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  it("a file that is not an array file at all is recorded the same way; other settings read it again", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    roots.push(root);
    await writeFile(join(root, "a", "activations", "fc1", "step_1.npy"), "not an npy file");
    expect((await cli(["sync", "--root", root, "--json", "--workers", "1"])).code).toBe(1);
    expect((await cli(["sync", "--root", root, "--json", "--workers", "1"])).code).toBe(0);
    // A new --max-file-bytes changes the settings key: the file is read again (and fails again).
    const other = await cli([
      "sync",
      "--root",
      root,
      "--json",
      "--workers",
      "1",
      "--max-file-bytes",
      "1000000",
    ]);
    expect(other.code).toBe(1);
    expect(events(other.stdout).filter((e) => e.type === "file-failed")).toHaveLength(1);
  });
});

describe("known failures (pipeline units)", () => {
  const run: RunRef = { id: "r", status: "finished" };
  const ref = (path: string, digest?: string): ActivationRef => ({
    run,
    layer: "fc1",
    step: 0,
    path,
    format: "npy",
    ...(digest === undefined ? {} : { digest }),
  });

  it("only data problems count as permanent; tracker errors, timeouts and bugs are tried again", () => {
    expect(isPermanentFailure(new MagtrackError("format", "BAD_NPY", "x"))).toBe(true);
    expect(isPermanentFailure(new MagtrackError("numerical", "NO_TCONV", "x"))).toBe(true);
    const http = new TrackerError({
      service: "MLflow",
      method: "GET",
      url: "http://127.0.0.1/x",
      status: 500,
      attempts: 3,
      code: "HTTP_500",
      message: "boom",
    });
    expect(isPermanentFailure(http)).toBe(false);
    expect(isPermanentFailure(new TypeError("bug"))).toBe(false);
    expect(isPermanentFailure(new MagtrackError("auth", "HTTP_403", "x"))).toBe(false);
  });

  it("a file without a digest is never set aside; a transient failure is never recorded", async () => {
    const written: (readonly KnownFailure[])[] = [];
    const adapter = {
      recordFailures: async (_r: RunRef, f: readonly KnownFailure[]) => {
        written.push(f);
      },
    } as unknown as TrackerAdapter;
    const settingsKey = failureSettingsKey({}, 100);
    const state: RunState = { references: {}, written: [] };
    const aside = setAsideKnownFailures(
      run,
      [ref("a.npy"), ref("b.npy", "d1")],
      state,
      { retryFailed: false, settingsKey },
      () => {},
    );
    await recordKnownFailures(adapter, run, state, aside, [
      { ref: ref("a.npy"), layer: "fc1", code: "BAD_NPY", permanent: true },
      { ref: ref("b.npy", "d1"), layer: "fc1", code: "HTTP_500", permanent: false },
    ]);
    expect(written).toEqual([]); // nothing recordable: no write at all
    const known: RunState = {
      ...state,
      knownFailures: [{ path: "a.npy", digest: "", settings: settingsKey, layer: "fc1", step: 0, code: "X" }],
    };
    const again = setAsideKnownFailures(
      run,
      [ref("a.npy")],
      known,
      { retryFailed: false, settingsKey },
      () => {},
    );
    expect(again.pending).toHaveLength(1);
  });

  it("the record round-trips and is cut to a size bound, never truncated mid-JSON", () => {
    const many: KnownFailure[] = Array.from({ length: 200 }, (_, i) => ({
      path: `activations/layer_${i}/step_${i}.npy`,
      digest: `size=${1000 + i}`,
      settings: "abcdef012345",
      layer: `layer_${i}`,
      step: i,
      code: "NON_FINITE",
    }));
    expect(decodeKnownFailures(encodeKnownFailures(many).text)).toEqual(many);
    const cut = encodeKnownFailures(many, 8000);
    expect(cut.text.length).toBeLessThanOrEqual(8000);
    const kept = decodeKnownFailures(cut.text);
    expect(kept.length + cut.dropped).toBe(200);
    expect(kept).toEqual(many.slice(0, kept.length));
    expect(decodeKnownFailures("{garbled")).toEqual([]);
    expect(decodeKnownFailures('{"v":1,"files":[["x"]]}')).toEqual([]);
  });
});
