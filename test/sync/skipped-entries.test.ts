/**
 * Issue 11 ("say it whenever nothing matched"), an independent hostile corpus beside
 * test/sync/hostile-corpus.test.ts: symlinks (DVC / git-annex style), a FIFO, a directory named like a
 * step file, steps that are not exact integers, a broken link and a control character in a layer
 * name. Each bad entry is reported with its reason; the symlinked file is computed; a second sync
 * rewrites nothing. Also: a root pointing at a run, an empty root, and the dry-run summary.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines, stepCloud } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const events = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("entries under a run that are not activation files are reported, not skipped silently", () => {
  it("follows a symlink to a regular file; reports FIFO, step-named dir, odd steps, broken link", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0, 1] } } } });
    roots.push(root);
    const act = join(root, "a", "activations");
    // DVC / git-annex: the step file is a symlink into a content-addressed cache outside activations/.
    await mkdir(join(root, "a", ".cache"), { recursive: true });
    await writeFile(join(root, "a", ".cache", "ab12"), encodeNpy(stepCloud(12, 40, 4, 2), [40, 4]));
    await symlink("../../.cache/ab12", join(act, "fc1", "step_2.npy"));
    await symlink("../../.cache/missing", join(act, "fc1", "step_5.npy"));
    execFileSync("mkfifo", [join(act, "fc1", "step_3.npy")]);
    await mkdir(join(act, "fc1", "step_4.npy"));
    const good = encodeNpy(stepCloud(12, 40, 4, 9), [40, 4]);
    for (const name of ["step_-1.npy", "step_1e3.npy", "step_1234567890123456.npy"]) {
      await writeFile(join(act, "fc1", name), good);
    }
    // Extreme but finite values (were INTERNAL TypeError / t_conv bracketing errors): computed.
    for (const [layer, c] of [
      ["huge", 1e200],
      ["tiny", 1e-300],
    ] as const) {
      await mkdir(join(act, layer), { recursive: true });
      await writeFile(
        join(act, layer, "step_0.npy"),
        encodeNpy(
          stepCloud(12, 40, 4, 0).map((x) => x * c),
          [40, 4],
        ),
      );
    }
    const escLayer = "a\u001b[2Jb";
    await mkdir(join(act, escLayer), { recursive: true });
    await writeFile(join(act, escLayer, "step_0.npy"), good);

    const first = await cli(["sync", "--root", root, "--json"]);
    const problems = events(first.stdout).filter((e) => e.type === "plan-problem");
    const reasons = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(reasons).toMatchObject({
      "activations/fc1/step_3.npy": "skipped: not a regular file (a FIFO)",
      "activations/fc1/step_4.npy": "skipped: a directory named like a step file",
      "activations/fc1/step_5.npy": "skipped: broken symlink (ENOENT)",
      "activations/fc1/step_-1.npy": 'skipped: step "-1" is not a non-negative decimal integer',
      "activations/fc1/step_1e3.npy": 'skipped: step "1e3" is not a non-negative decimal integer',
      "activations/fc1/step_1234567890123456.npy":
        "skipped: step 1234567890123456 has more than 15 digits (steps must be exact integers below 2^53)",
    });
    expect(problems).toHaveLength(6);
    expect(first.stdout.split("\n").filter((l) => l.includes("file-failed"))).toEqual([]);
    expect(first.code).toBe(0);
    const keys = (await readResultLines(root, "a")).map((l) => `${l.layer}@${l.step}`).sort();
    expect(keys).toEqual([`${escLayer}@0`, "fc1@0", "fc1@1", "fc1@2", "huge@0", "tiny@0"]);
    // scale covariance: t_conv(cX) = t_conv(X) / c; fc1@0 holds the same cloud unscaled
    const lines = await readResultLines(root, "a");
    const tconv = (layer: string) =>
      Number(lines.find((l) => l.layer === layer && l.step === 0)!.metrics.t_conv);
    expect(tconv("huge") * 1e200).toBeCloseTo(tconv("fc1"), 6);
    expect(tconv("tiny") * 1e-300).toBeCloseTo(tconv("fc1"), 6);

    const jsonl = join(root, "a", "magnitude", "metrics.jsonl");
    const before = await readFile(jsonl);
    const mtime = (await stat(jsonl)).mtimeMs;
    const second = await cli(["sync", "--root", root, "--json"]);
    expect(second.code).toBe(0);
    expect(events(second.stdout).filter((e) => e.type === "plan-problem")).toHaveLength(6);
    expect(events(second.stdout).at(-1)).toMatchObject({ type: "summary", stepsWritten: 0, failed: 0 });
    expect(await readFile(jsonl)).toEqual(before);
    expect((await stat(jsonl)).mtimeMs).toBe(mtime);
  });

  it("a root pointing at a run, and an empty root, say that nothing matched (not 'up to date')", async () => {
    const store = await makeStore({ runs: { a: { layers: { fc1: [0, 1] } } } });
    roots.push(store);
    const atRun = await cli(["sync", "--root", join(store, "a")]);
    expect(atRun.code).toBe(0);
    expect(atRun.stdout + atRun.stderr).not.toMatch(/up to date/);
    expect(atRun.stdout + atRun.stderr).toMatch(/no activation file .*matche/);

    const empty = await mkdtemp(join(tmpdir(), "magtrack-empty-"));
    roots.push(empty);
    const none = await cli(["sync", "--root", empty]);
    expect(none.stdout).toMatch(/no run found/);
    expect(none.stdout).not.toMatch(/nothing new to write/);
  });

  it("the dry-run summary counts the steps its plan lists", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0, 1], fc2: [0, 1] } } } });
    roots.push(root);
    const res = await cli(["backfill", "--root", root, "--dry-run"]);
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).toMatch(/4 file\(s\) to read/);
    expect(res.stdout).toMatch(/4 steps planned \(dry run\)/);
    expect(res.stdout).not.toMatch(/nothing new to write/);
  });
});
