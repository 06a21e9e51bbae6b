/**
 * One sync per store on one machine: an exclusive lock file created with O_EXCL ("wx"). It holds
 * {pid, host, started}; a lock whose process is gone (same host) or older than the stale limit is
 * taken over. Several machines: use `concurrencyPolicy: Forbid` and shards (README).
 */

import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: number;
}

export type LockResult =
  | { acquired: true; release: () => Promise<void> }
  | { acquired: false; holder: LockInfo | null };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readLock(path: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await readFile(path, "utf8")) as LockInfo;
    return typeof info.pid === "number" && typeof info.host === "string" ? info : null;
  } catch {
    return null;
  }
}

export async function acquireLock(
  path: string,
  opts: { staleMs?: number; now?: () => number } = {},
): Promise<LockResult> {
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? 6 * 3600_000;
  const me: LockInfo = { pid: process.pid, host: hostname(), started: now() };
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, JSON.stringify(me), { flag: "wx" });
      return {
        acquired: true,
        release: async () => {
          const holder = await readLock(path);
          if (holder?.pid === me.pid && holder.host === me.host && holder.started === me.started) {
            await rm(path, { force: true });
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readLock(path);
    const stale =
      holder === null
        ? false
        : (holder.host === me.host && !processAlive(holder.pid)) || now() - holder.started > staleMs;
    if (!stale) return { acquired: false, holder };
    await rm(path, { force: true }); // taken over: the holder died or is far past any sane run time
  }
  return { acquired: false, holder: await readLock(path) };
}
