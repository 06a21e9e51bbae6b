/**
 * Run leases for several machines syncing one tracker (adapters with readLease/writeLease).
 *
 *   0. only when the run has work (first activation read or write — see withRunLease):
 *   1. read the run's lease; a live one held by another process → skip the run this sync
 *      (reported as deferred). Live = not released, not expired, and — when it names this host —
 *      its process still exists (a holder killed with -9 on this machine does not block us);
 *   2. write our own {owner, host, pid, expires = min(now + ttl, deadline + margin)}, wait
 *      `settleMs`, read it back; another owner there means a concurrent claim won → skip;
 *   3. sync the run; finally (also after a failure, SIGTERM or the deadline) delete the lease if it is
 *      still ours (adapters with deleteLease; others overwrite it with released = true), within
 *      RELEASE_TIMEOUT_MS so a hung tracker cannot hold the process.
 *
 * Limits (documented in docs/operations.md): a tracker tag has no compare-and-set, so two claims
 * racing within the read-back window can both succeed (last writer wins for the record, both run).
 * That is only duplicate work: every write is read-before-write idempotent. Expiry compares the
 * holder's clock with ours (keep clocks in sync; the ttl should exceed a run's sync time).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { RunLease, RunRef, TrackerAdapter } from "../adapter-kit.js";
import type { EventSink, RunOutcome } from "./events.js";

export interface LeaseSettings {
  /** How long a claim lasts. Default 30 min. */
  readonly ttlMs?: number;
  /**
   * When this process will have stopped (epoch ms): its --max-duration deadline. The claim then
   * expires by stopBy + LEASE_MARGIN_MS at the latest, so a lease left by a killed process blocks
   * other hosts no longer than the job could have run. Absent: the ttl alone.
   */
  readonly stopBy?: number;
  /** Pause between writing the claim and reading it back. Default 50 ms. */
  readonly settleMs?: number;
  /** Injectable for tests. */
  readonly owner?: { readonly owner: string; readonly host: string; readonly pid: number };
  readonly now?: () => number;
  /** Injectable for tests: is the process with this pid alive on this host? */
  readonly processAlive?: (pid: number) => boolean;
}

export const DEFAULT_LEASE_TTL_MS = 30 * 60_000;
/**
 * How long past its deadline a process's lease stays: after the deadline come the hard abort's grace
 * (≤ 10 s, src/cli/commands/sync.ts graceFor) and the release requests (≤ RELEASE_TIMEOUT_MS); the
 * remaining ≈ 45 s absorb clock skew between the hosts comparing `expires`.
 */
export const LEASE_MARGIN_MS = 60_000;

/** expires = min(now + ttl, stopBy + LEASE_MARGIN_MS): the ttl, cut to the holder's deadline plus the margin. */
export function leaseExpiry(now: number, ttlMs: number, stopBy: number | undefined): number {
  return stopBy === undefined ? now + ttlMs : Math.min(now + ttlMs, stopBy + LEASE_MARGIN_MS);
}

/** Bound on the release requests (read back + delete), whatever the request timeout. */
export const RELEASE_TIMEOUT_MS = 5_000;

const self = {
  owner: `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`,
  host: hostname(),
  pid: process.pid,
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why `lease` keeps us out, or null when it does not (absent, ours, released, expired, dead holder). */
export function blockingReason(
  lease: RunLease | null,
  me: string,
  now: number,
  host: string,
  processAlive: (pid: number) => boolean,
): string | null {
  if (lease === null || lease.owner === me || lease.released === true || !(lease.expires > now)) return null;
  if (lease.host === host && !processAlive(lease.pid)) return null;
  return `leased by ${lease.owner} until ${new Date(lease.expires).toISOString()} (another magtrack sync is working on it)`;
}

/** Thrown (with the run's lease signal aborted) when a lazy claim finds the run held by someone else. */
class LeaseHeld extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Run `body` under the run's lease when the adapter supports leases (and not in a dry run);
 * otherwise just run it with the adapter and signal as given.
 *
 * The claim is lazy: it is made when the run first reads an activation or writes results, i.e.
 * only when the run has work. A run that is up to date costs no lease request and no tag write.
 * A run held by someone else is reported as deferred: `body` is stopped through the signal it was
 * given (so nothing is computed or written) and its outcome replaced.
 */
export async function withRunLease(
  adapter: TrackerAdapter,
  run: RunRef,
  opts: {
    readonly dryRun: boolean;
    readonly emit: EventSink;
    readonly signal?: AbortSignal | undefined;
    readonly settings?: LeaseSettings | undefined;
  },
  body: (adapter: TrackerAdapter, signal: AbortSignal | undefined) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const { readLease, writeLease } = adapter;
  if (opts.dryRun || readLease === undefined || writeLease === undefined) return body(adapter, opts.signal);
  const s = opts.settings ?? {};
  const me = s.owner ?? self;
  const now = s.now ?? Date.now;
  const processAlive = s.processAlive ?? alive;
  const read = (signal?: AbortSignal) => readLease.call(adapter, run, signal);
  const write = (lease: RunLease, signal?: AbortSignal) => writeLease.call(adapter, run, lease, signal);
  const lost = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, lost.signal]) : lost.signal;
  let mine: RunLease | null = null;

  async function claim(): Promise<void> {
    const held = await read(opts.signal);
    const blocked = blockingReason(held, me.owner, now(), me.host, processAlive);
    if (blocked !== null) throw new LeaseHeld(blocked);
    const lease: RunLease = { ...me, expires: leaseExpiry(now(), s.ttlMs ?? DEFAULT_LEASE_TTL_MS, s.stopBy) };
    await write(lease, opts.signal);
    mine = lease;
    const settle = s.settleMs ?? 50;
    if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
    const back = await read(opts.signal);
    if (back?.owner !== me.owner) {
      throw new LeaseHeld(
        back === null
          ? "the run lease could not be read back after writing it; skipped this sync"
          : `lost a concurrent claim to ${back.owner}; skipped this sync`,
      );
    }
  }
  let claimed: Promise<void> | null = null;
  const ensureClaimed = async (): Promise<void> => {
    claimed ??= claim().catch((error) => {
      if (error instanceof LeaseHeld) lost.abort(error);
      throw error;
    });
    return claimed;
  };
  const leased: TrackerAdapter = {
    ...adapter,
    readActivation: async (ref, sig) => {
      await ensureClaimed();
      return adapter.readActivation(ref, sig);
    },
    ...(adapter.writeResults
      ? {
          writeResults: async (r, batch, sig) => {
            await ensureClaimed();
            return adapter.writeResults!(r, batch, sig);
          },
        }
      : {}),
  };

  try {
    return await body(leased, signal);
  } catch (error) {
    if (lost.signal.aborted && !opts.signal?.aborted) {
      const reason = (lost.signal.reason as LeaseHeld).reason;
      opts.emit({ type: "run-deferred", run: run.id, reason });
      return { run: run.id, status: "deferred", stepsComputed: 0, stepsWritten: 0, failures: 0 };
    }
    throw error;
  } finally {
    if (mine !== null) {
      try {
        const releaseSignal = AbortSignal.timeout(RELEASE_TIMEOUT_MS);
        const current = await read(releaseSignal);
        if (current?.owner === me.owner) {
          if (adapter.deleteLease) await adapter.deleteLease(run, releaseSignal);
          else await write({ ...(mine as RunLease), expires: now(), released: true }, releaseSignal);
        }
      } catch {
        // Releasing is a courtesy: an unreleased lease expires by itself after ttl.
      }
    }
  }
}
