/**
 * Issue 11: the lock file survives crashes and power loss. Empty, garbled or unreadable content is
 * stale after a bound (by the file's age, set with utimes: no wall-clock waits); a lock naming an
 * unrelated live pid (another start time) or written before a reboot is stale; a live holder keeps
 * it; ENOSPC while writing it is a typed error naming the path and leaves nothing behind; a skip
 * because of the lock is in the summary (skippedByLock) with exit 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MagtrackError } from "../../src/core/errors.js";
import { acquireLock, LINUX_PROBE, type LockInfo } from "../../src/sync/lock.js";
import { cli } from "../helpers/cli.js";
import { makeStore } from "../helpers/store.js";

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function lockPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "magtrack-lock-"));
  dirs.push(dir);
  return join(dir, "sync.lock");
}

async function ageFile(path: string, seconds: number): Promise<void> {
  const then = new Date(Date.now() - seconds * 1000);
  await utimes(path, then, then);
}

const onLinux = LINUX_PROBE.startTime(process.pid) !== null;

function holderRecord(over: Partial<LockInfo>): string {
  return JSON.stringify({
    pid: process.pid,
    host: hostname(),
    started: Date.now(),
    boot: LINUX_PROBE.bootId() ?? undefined,
    pidStart: LINUX_PROBE.startTime(process.pid) ?? undefined,
    ...over,
  });
}

describe("lock file", () => {
  for (const [what, content] of [
    ["empty", ""],
    ["garbled", '{"pid": 12'],
    ["not a lock record", '{"hello": "world"}'],
  ] as const) {
    it(`${what} content blocks only while fresh, and is taken over after the bound`, async () => {
      const path = await lockPath();
      await writeFile(path, content);
      const fresh = await acquireLock(path, { garbledStaleMs: 60_000 });
      expect(fresh).toEqual({ acquired: false, holder: null });
      await ageFile(path, 120);
      const later = await acquireLock(path, { garbledStaleMs: 60_000 });
      expect(later.acquired).toBe(true);
      expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
      if (later.acquired) await later.release();
      expect(await readdir(join(path, ".."))).toEqual([]);
    });
  }

  it("unreadable content blocks only while fresh; what cannot be removed then is a typed error", async () => {
    // A directory where the lock file should be: reading it fails (EISDIR) as unreadable content does
    // (permissions cannot be used here: the tests may run as root, who reads anything).
    const path = await lockPath();
    await mkdir(path);
    expect(await acquireLock(path)).toEqual({ acquired: false, holder: null });
    await ageFile(path, 120);
    const error = await acquireLock(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "config", code: "LOCK_IO" });
    expect((error as Error).message).toContain(path);
  });

  it.runIf(onLinux)("a lock naming an unrelated live pid (another start time) is stale", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    children.push(child);
    await new Promise((r) => child.once("spawn", r));
    const pid = child.pid!;
    const realStart = LINUX_PROBE.startTime(pid)!;
    const path = await lockPath();
    // The same pid and its real start time: that process may still be syncing → held.
    await writeFile(path, holderRecord({ pid, pidStart: realStart }));
    expect(await acquireLock(path)).toMatchObject({ acquired: false, holder: { pid } });
    // Another start time: the pid was reused by an unrelated process → taken over at once.
    await writeFile(path, holderRecord({ pid, pidStart: realStart + 1 }));
    expect((await acquireLock(path)).acquired).toBe(true);
  });

  it("a lock written before a reboot is stale; a dead pid is stale; an old one is stale", async () => {
    const path = await lockPath();
    await writeFile(path, holderRecord({ boot: "00000000-0000-0000-0000-000000000000" }));
    expect((await acquireLock(path)).acquired).toBe(onLinux);
    await writeFile(path, holderRecord({ pid: 2 ** 22 + 7, pidStart: 1 })); // above pid_max's default
    expect((await acquireLock(path)).acquired).toBe(true);
    await writeFile(path, holderRecord({ host: "elsewhere", started: Date.now() - 7 * 3600_000 }));
    expect((await acquireLock(path)).acquired).toBe(true);
    await writeFile(path, holderRecord({ host: "elsewhere" }));
    expect((await acquireLock(path)).acquired).toBe(false);
  });

  it("ENOSPC while writing it: a typed error naming the path, and no lock or temp file left", async () => {
    const path = await lockPath();
    const full = (async (file: string) => {
      await writeFile(file as string, ""); // like a real full disk: the file exists, its data does not
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }) as unknown as typeof writeFile;
    const error = await acquireLock(path, { writeFile: full }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MagtrackError);
    expect(error).toMatchObject({ kind: "config", code: "LOCK_IO" });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain("ENOSPC");
    expect(await readdir(join(path, ".."))).toEqual([]);
  });

  it("a sync skipped by a live lock says so in its summary (skippedByLock) and exits 0", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    dirs.push(root);
    const path = await lockPath();
    await writeFile(path, holderRecord({})); // this very process, alive
    const res = await cli(["sync", "--root", root, "--json", "--lock-file", path]);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout.trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ type: "summary", runs: 0, skippedByLock: { lockFile: path } });
    expect(summary.skippedByLock.holder).toContain(`pid ${process.pid}`);
    const human = await cli(["sync", "--root", root, "--lock-file", path]);
    expect(human.stdout).toContain(`holds the lock ${path}`);
    // A garbled lock from a crash long ago does not block: the sync runs and writes.
    await writeFile(path, "\u0000\u0000garbage");
    await ageFile(path, 3600);
    const after = await cli(["sync", "--root", root, "--json", "--lock-file", path, "--workers", "1"]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout.trim().split("\n").at(-1)!)).toMatchObject({ stepsWritten: 1 });
  });
});
