/**
 * Crash safety of the local store: a sync killed at any point leaves readable files, and the next
 * sync completes the job with every (layer, step) exactly once and the same values as a clean sync
 * (within 1e-9 relative: the resumed sync's steps are preconditioned from other earlier steps).
 * 1. Simulated crashes: the k-th atomic file write throws, for every k the sync makes.
 * 2. Real `kill -9` of a CLI process at pseudo-random times (several seeds).
 */
import { cp, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { cli } from "../helpers/cli.js";
import { expectCloseResults } from "../helpers/close-results.js";
import { makeStore, readResultLines, type StoredLine } from "../helpers/store.js";
import { startCli } from "../ops/helpers/child-cli.js";

/** One child CLI start now; kill -9 tests start ~40 children, so their budget scales with it. */
const TEST_TIMEOUT = timeoutFor(await childStartMs(), 160);

const crash = vi.hoisted(() => ({ after: Number.POSITIVE_INFINITY, writes: 0 }));
vi.mock("../../src/io/atomic-write.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/io/atomic-write.js")>();
  return {
    writeFileAtomic: async (path: string, data: string | Uint8Array) => {
      // The index page across runs is a view written after the sync; failing it is a notice, not a
      // failed sync (run-index/update.ts), so it is not one of the writes crashed here.
      if (path.endsWith("magtrack-index.html")) return real.writeFileAtomic(path, data);
      if (crash.writes++ >= crash.after) throw new Error(`simulated crash before write #${crash.writes}`);
      return real.writeFileAtomic(path, data);
    },
  };
});

const SPEC = {
  runs: { a: { layers: { fc1: [0, 1, 2], fc2: [0, 1] } }, b: { layers: { fc1: [0, 3] } } },
  n: 60,
};
const roots: string[] = [];
afterEach(async () => {
  crash.after = Number.POSITIVE_INFINITY;
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

async function allLines(root: string): Promise<Record<string, StoredLine[]>> {
  return { a: await readResultLines(root, "a"), b: await readResultLines(root, "b") };
}

function sortLines(lines: StoredLine[]): StoredLine[] {
  return [...lines].sort((x, y) => (x.layer === y.layer ? x.step - y.step : x.layer < y.layer ? -1 : 1));
}

/** `line` is the clean result's line of its (layer, step), values within 1e-9 relative. */
function expectInClean(clean: StoredLine[], line: StoredLine): void {
  const same = clean.filter((c) => c.layer === line.layer && c.step === line.step);
  expect(same, `${line.layer}@${line.step} in the clean result`).toHaveLength(1);
  expectCloseResults(line, same[0]);
}

async function cleanResult(): Promise<Record<string, StoredLine[]>> {
  const root = await makeStore(SPEC);
  roots.push(root);
  crash.writes = 0;
  expect((await cli(["sync", "--root", root])).code).toBe(0);
  return allLines(root);
}

describe("crash safety of the local store", () => {
  it(
    "a sync interrupted before any write k completes on the next sync, without duplicates",
    async () => {
      const clean = await cleanResult();
      const totalWrites = crash.writes;
      expect(totalWrites).toBeGreaterThan(5);
      for (let k = 0; k < totalWrites; k++) {
        const root = await makeStore(SPEC);
        roots.push(root);
        crash.writes = 0;
        crash.after = k;
        const broken = await cli(["sync", "--root", root]);
        expect(broken.code).toBe(1);
        // Whatever was committed is readable and a subset of the clean result.
        for (const run of ["a", "b"] as const) {
          for (const line of await readResultLines(root, run)) expectInClean(clean[run], line);
        }
        crash.after = Number.POSITIVE_INFINITY;
        expect((await cli(["sync", "--root", root])).code).toBe(0);
        const healed = await allLines(root);
        expectCloseResults(sortLines(healed.a), sortLines(clean.a));
        expectCloseResults(sortLines(healed.b), sortLines(clean.b));
        const leftovers = (await readdir(join(root, "a", "magnitude"))).filter((f) =>
          f.includes("magtrack-tmp"),
        );
        expect(leftovers).toEqual([]);
      }
    },
    TEST_TIMEOUT,
  );

  it(
    "kill -9 at random points, then a normal sync: nothing duplicated or lost",
    async () => {
      const clean = await cleanResult();
      let state = 12345;
      const rand = () => {
        state = (1103515245 * state + 12345) % 2147483648;
        return state / 2147483648;
      };
      // The kill lands at a random fraction of a whole child sync measured now (0.9 s from dist, 2.4 s
      // from the sources under tsx: a fixed 0.3–2.8 s delay would mostly have come after the end).
      const childSync = async (root: string, killAfterMs = Number.POSITIVE_INFINITY) => {
        const run = startCli(["sync", "--root", root], {});
        // (setTimeout would fire an infinite delay at once)
        const timer = Number.isFinite(killAfterMs)
          ? setTimeout(() => run.child.kill("SIGKILL"), killAfterMs)
          : undefined;
        const r = await run.done;
        clearTimeout(timer);
        return { ms: r.ms, killed: r.signal === "SIGKILL" };
      };
      const wholeRoot = await makeStore(SPEC);
      roots.push(wholeRoot);
      const whole = await childSync(wholeRoot);
      expect(whole.killed).toBe(false);
      let killedMidway = 0;
      for (let seed = 0; seed < 4; seed++) {
        const root = await makeStore(SPEC);
        roots.push(root);
        if ((await childSync(root, whole.ms * (0.05 + 0.65 * rand()))).killed) killedMidway++;
        expect((await cli(["sync", "--root", root])).code).toBe(0);
        const healed = await allLines(root);
        expectCloseResults(sortLines(healed.a), sortLines(clean.a));
        expectCloseResults(sortLines(healed.b), sortLines(clean.b));
        const copy = `${root}-copy`;
        await cp(root, copy, { recursive: true });
        roots.push(copy);
        expect(
          JSON.parse(await readFile(join(root, "a", "magnitude", "references.json"), "utf8")).fc1.step,
        ).toBe(0);
      }
      // A child that finished before its kill proves nothing here: most must have died midway.
      expect(
        killedMidway,
        `children killed before the end (a whole sync took ${whole.ms.toFixed(0)} ms)`,
      ).toBeGreaterThanOrEqual(3);
    },
    TEST_TIMEOUT,
  );
});
