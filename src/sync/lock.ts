/**
 * One sync per store on one machine: an exclusive lock file that survives crashes and power loss.
 *
 * Taking it: the record {pid, host, started, boot, pidStart} is written to a temporary file and
 * flushed, then hard-linked to the lock path; link() fails with EEXIST when the lock exists. So a
 * lock file is never seen half-written by another sync, and a failed write (ENOSPC in $TMPDIR)
 * leaves no lock behind, only a typed error naming the path.
 *
 * A held lock is stale (taken over) when:
 *   - its content is empty, garbled or unreadable and the file is older than `garbledStaleMs`
 *     (a crash or power loss before the data reached the disk; 60 s by default);
 *   - it names this host and another boot (the machine restarted: no process of it survives);
 *   - it names this host and its pid is gone, or that pid now belongs to another process (its
 *     start time differs from `pidStart`: an unrelated process reused the number);
 *   - it is older than `staleMs` (6 h; the only rule for a holder on another host, e.g. a shared
 *     temp dir, where pids cannot be checked).
 * Several machines: use `concurrencyPolicy: Forbid` and shards (README, docs/operations.md).
 */

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { link, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { MagtrackError } from "../core/errors.js";

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: number;
  /** Kernel boot id (Linux /proc/sys/kernel/random/boot_id), when known. */
  readonly boot?: string;
  /** The holder's process start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  readonly pidStart?: number;
}

export type LockResult =
  | { acquired: true; release: () => Promise<void> }
  | { acquired: false; holder: LockInfo | null };

/** What the lock needs to know about processes; injectable for tests. */
export interface ProcessProbe {
  /** Is a process with this pid alive (EPERM counts as alive)? */
  alive(pid: number): boolean;
  /** Its start time (ticks since boot), or null where unknown (not Linux, gone). */
  startTime(pid: number): number | null;
  /** This boot's id, or null where unknown. */
  bootId(): string | null;
}

export const LINUX_PROBE: ProcessProbe = {
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  },
  startTime(pid) {
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[19]); // field 22 overall; fields[0] is field 3 (state)
      return Number.isSafeInteger(ticks) ? ticks : null;
    } catch {
      return null;
    }
  },
  bootId() {
    try {
      return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
    } catch {
      return null;
    }
  },
};

export interface LockOptions {
  readonly staleMs?: number;
  readonly garbledStaleMs?: number;
  readonly now?: () => number;
  readonly probe?: ProcessProbe;
  /** Injectable for tests (e.g. a disk that is full). */
  readonly writeFile?: typeof writeFile;
}

type Holder = { kind: "ok"; info: LockInfo } | { kind: "garbled"; ageMs: number } | { kind: "gone" };

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (!Number.isSafeInteger(v.pid) || typeof v.host !== "string" || typeof v.started !== "number")
      return null;
    return {
      pid: v.pid!,
      host: v.host,
      started: v.started,
      ...(typeof v.boot === "string" ? { boot: v.boot } : {}),
      ...(Number.isSafeInteger(v.pidStart) ? { pidStart: v.pidStart! } : {}),
    };
  } catch {
    return null;
  }
}

async function readHolder(path: string, now: number): Promise<Holder> {
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "gone" };
    throw lockError(path, "read", error);
  }
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "gone" };
    // Unreadable (EACCES, EIO): like garbled content, stale after the bound.
  }
  const info = parseLock(text);
  return info === null ? { kind: "garbled", ageMs: now - mtime } : { kind: "ok", info };
}

/** Why a readable lock no longer protects anything, or null when its holder may still run. */
export function staleReason(
  holder: LockInfo,
  me: { host: string; boot: string | null },
  now: number,
  staleMs: number,
  probe: ProcessProbe,
): string | null {
  if (now - holder.started > staleMs) return `older than ${Math.round(staleMs / 60_000)} min`;
  if (holder.host !== me.host) return null;
  if (holder.boot !== undefined && me.boot !== null && holder.boot !== me.boot)
    return "written before a reboot";
  if (!probe.alive(holder.pid)) return `pid ${holder.pid} is gone`;
  if (holder.pidStart !== undefined) {
    const start = probe.startTime(holder.pid);
    if (start !== null && start !== holder.pidStart) return `pid ${holder.pid} is now another process`;
  }
  return null;
}

function lockError(path: string, what: "write" | "read" | "remove", cause: unknown): MagtrackError {
  const code = (cause as NodeJS.ErrnoException).code ?? "EIO";
  const hint =
    code === "ENOSPC" ? " (no space left on that disk; free some or pass --lock-file elsewhere)" : "";
  return new MagtrackError("config", "LOCK_IO", `lock file ${path}: cannot ${what} it: ${code}${hint}`, {
    cause,
  });
}

export async function acquireLock(path: string, opts: LockOptions = {}): Promise<LockResult> {
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? 6 * 3600_000;
  const garbledStaleMs = opts.garbledStaleMs ?? 60_000;
  const probe = opts.probe ?? LINUX_PROBE;
  const write = opts.writeFile ?? writeFile;
  const boot = probe.bootId();
  const pidStart = probe.startTime(process.pid);
  const me: LockInfo = {
    pid: process.pid,
    host: hostname(),
    started: now(),
    ...(boot !== null ? { boot } : {}),
    ...(pidStart !== null ? { pidStart } : {}),
  };
  const text = JSON.stringify(me);
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw lockError(path, "write", error);
  }

  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    let linked = false;
    try {
      await write(tmp, text, { flush: true });
      await link(tmp, path);
      linked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        await rm(tmp, { force: true }).catch(() => {});
        throw lockError(path, "write", error);
      }
    }
    await rm(tmp, { force: true }).catch(() => {});
    if (linked) {
      return {
        acquired: true,
        release: async () => {
          const held = await readHolder(path, now()).catch(() => null);
          if (held?.kind === "ok" && held.info.pid === me.pid && held.info.started === me.started) {
            await rm(path, { force: true });
          }
        },
      };
    }
    const held = await readHolder(path, now());
    if (held.kind === "gone") continue; // released between our link and our read: try again
    const stale =
      held.kind === "garbled"
        ? held.ageMs > garbledStaleMs
        : staleReason(held.info, { host: me.host, boot }, now(), staleMs, probe) !== null;
    if (!stale) return { acquired: false, holder: held.kind === "ok" ? held.info : null };
    try {
      await rm(path, { force: true }); // taken over: see the staleness rules above
    } catch (error) {
      throw lockError(path, "remove", error);
    }
  }
  const last = await readHolder(path, now());
  return { acquired: false, holder: last.kind === "ok" ? last.info : null };
}
