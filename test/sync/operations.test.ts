/** Cron safety: shards cover every run exactly once, overlapping syncs, stale locks, the deadline. */
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseShard, shardFromEnv } from "../../src/sync/shard.js";
import { builtCli } from "../helpers/built-cli.js";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines } from "../helpers/store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "magtrack-ops-"));
  dirs.push(d);
  return d;
}

describe("shards", () => {
  it("two shards over the same store cover every run exactly once", async () => {
    const runs = Object.fromEntries(
      Array.from({ length: 16 }, (_, i) => [`run-${i}`, { layers: { fc: [0] } }]),
    );
    const root = await makeStore({ runs, n: 12, d: 2 });
    dirs.push(root);
    const seen = new Map<string, number>();
    const perShard: number[] = [];
    for (const shard of ["0/2", "1/2"]) {
      const before = seen.size;
      const out = await cli(["sync", "--root", root, "--shard", shard, "--json"]);
      expect(out.code).toBe(0);
      for (const line of out.stdout.trim().split("\n")) {
        const e = JSON.parse(line);
        if (e.type === "run-written") seen.set(e.run, (seen.get(e.run) ?? 0) + 1);
      }
      perShard.push(seen.size - before);
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(runs).sort());
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    // each shard got a share: a stable hash should not put all 16 runs on one side
    expect(Math.min(...perShard)).toBeGreaterThanOrEqual(3);
  });

  it("takes the shard from a Kubernetes Indexed Job's environment, and rejects bad values", () => {
    expect(shardFromEnv(undefined, { JOB_COMPLETION_INDEX: "2", MAGTRACK_SHARD_COUNT: "3" })).toEqual({
      index: 2,
      count: 3,
    });
    expect(shardFromEnv("1/4", { JOB_COMPLETION_INDEX: "2", MAGTRACK_SHARD_COUNT: "3" })).toEqual({
      index: 1,
      count: 4,
    });
    expect(shardFromEnv(undefined, {})).toBeNull();
    expect(() => shardFromEnv(undefined, { JOB_COMPLETION_INDEX: "0" })).toThrow(/MAGTRACK_SHARD_COUNT/);
    for (const bad of ["2/2", "-1/2", "1", "a/b", "0/0"]) expect(() => parseShard(bad)).toThrow(/i\/N/);
  });
});

describe("overlapping syncs on one machine", () => {
  it("a second sync while the lock is held exits 0, says why, and writes nothing", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc: [0] } } } });
    dirs.push(root);
    const lockFile = join(await tmp(), "sync.lock");
    await writeFile(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now() }));
    const out = await cli(["sync", "--root", root, "--lock-file", lockFile]);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/another magtrack sync of this store is running \(pid \d+/);
    await expect(stat(join(root, "a", "magnitude"))).rejects.toThrow();
  });

  it("takes over a lock whose process is gone", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc: [0] } } } });
    dirs.push(root);
    const lockFile = join(await tmp(), "sync.lock");
    await writeFile(lockFile, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: Date.now() }));
    expect((await cli(["sync", "--root", root, "--lock-file", lockFile])).code).toBe(0);
    expect(await readResultLines(root, "a")).toHaveLength(1);
    await expect(stat(lockFile)).rejects.toThrow(); // released at the end
  });

  it("two real processes started together: one proceeds, the other exits 0 saying why", async () => {
    const runs = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`r${i}`, { layers: { fc: [0, 1, 2] } }]),
    );
    const root = await makeStore({ runs, n: 80, d: 8 });
    dirs.push(root);
    const lockFile = join(await tmp(), "sync.lock");
    const start = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [...builtCli(), "sync", "--root", root, "--lock-file", lockFile, "--json"],
          {
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let out = "";
        child.stdout.on("data", (b) => {
          out += b;
        });
        child.stderr.on("data", (b) => {
          out += b;
        });
        child.on("exit", (code) => resolve({ code, out }));
      });
    const [p, q] = await Promise.all([start(), start()]);
    expect(p.code).toBe(0);
    expect(q.code).toBe(0);
    const skipped = [p, q].filter((r) => r.out.includes('"type":"skipped"'));
    // Both print a summary; the skipped one's carries skippedByLock (src/sync/lock.ts).
    const last = (r: { out: string }) => JSON.parse(r.out.trim().split("\n").at(-1)!);
    for (const r of skipped) expect(last(r).skippedByLock).toMatchObject({ lockFile });
    const worked = [p, q].filter((r) => last(r).type === "summary" && last(r).skippedByLock === undefined);
    // Either they overlapped (one skipped) or the second started after the first finished (nothing new).
    if (skipped.length === 1) expect(worked).toHaveLength(1);
    else
      expect(worked.map((r) => JSON.parse(r.out.trim().split("\n").at(-1)!).stepsWritten).sort()).toEqual([
        0, 18,
      ]);
    for (const run of Object.keys(runs)) expect(await readResultLines(root, run)).toHaveLength(3);
  });
});

describe("--max-duration", () => {
  it("stops cleanly at a file boundary; the next sync finishes the job", async () => {
    const runs = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [`r${i}`, { layers: { fc: [0, 1, 2, 3] } }]),
    );
    const root = await makeStore({ runs, n: 60, d: 4 });
    dirs.push(root);
    const out = await cli(["sync", "--root", root, "--max-duration", "1ms", "--json"]);
    expect(out.code).toBe(3); // stopped early with work left (EXIT_STOPPED_EARLY)
    const summary = JSON.parse(out.stdout.trim().split("\n").at(-1)!);
    expect(summary.stoppedEarly).toMatch(/--max-duration 1ms reached/);
    expect(summary.stepsWritten).toBeLessThan(16);
    const again = await cli(["sync", "--root", root, "--json"]);
    const done = JSON.parse(again.stdout.trim().split("\n").at(-1)!);
    expect(done.stepsWritten + summary.stepsWritten).toBe(16);
    for (const run of Object.keys(runs)) expect(await readResultLines(root, run)).toHaveLength(4);
  });
});
