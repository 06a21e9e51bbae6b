/**
 * The run lease in MLflow (tag magtrack.lease) for several machines syncing one tracker: written
 * and read back before the run is touched, released after writing; a live lease of another
 * process → the run is skipped this sync and reported; an expired one, or one whose process died
 * on this host, is taken over; a claim that loses a concurrent race backs off.
 */
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../adapters/mlflow/index.js";
import { decodeLease, encodeLease, LEASE_TAG } from "../../adapters/mlflow/lease.js";
import type { RunLease, TrackerAdapter } from "../../src/adapter-kit.js";
import type { SyncEvent } from "../../src/sync/events.js";
import {
  blockingReason,
  DEFAULT_LEASE_TTL_MS,
  LEASE_MARGIN_MS,
  type LeaseSettings,
  leaseExpiry,
} from "../../src/sync/lease.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { type ComputeSettings, DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import type { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import { cli } from "../helpers/cli.js";
import { expectNoSecret, OPS_MLFLOW_PASSWORD, OPS_MLFLOW_USER } from "../helpers/secrets.js";
import { ndjsonEvents, startCli } from "./helpers/child-cli.js";
import {
  duplicatePoints,
  EXPERIMENT,
  lockFile,
  metricPoints,
  mlflowEnv,
  POINTS_PER_RUN,
  startMlflow,
} from "./helpers/mlflow-ops.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const SETTINGS: ComputeSettings = { ...DEFAULT_SETTINGS, mode: "exact" };
const NOW = Date.UTC(2026, 6, 1, 12, 0, 0);
const ME = { owner: "worker-a:100:aaaa", host: "worker-a", pid: 100 };

async function server(): Promise<FakeMlflowServer> {
  const s = await startMlflow();
  cleanups.push(() => s.stop());
  return s;
}

function adapterFor(s: FakeMlflowServer): TrackerAdapter {
  return createMlflowAdapter({
    trackingUri: s.url,
    auth: { type: "basic", username: OPS_MLFLOW_USER, password: OPS_MLFLOW_PASSWORD },
    experimentName: EXPERIMENT,
    warn: () => {},
  });
}

async function sync(adapter: TrackerAdapter, lease: LeaseSettings = {}) {
  const events: SyncEvent[] = [];
  const summary = await syncRuns({
    adapter,
    runFilter: {},
    settings: SETTINGS,
    settingsRecord: settingsRecord(SETTINGS, "test"),
    emit: (e) => events.push(e),
    lease: { owner: ME, now: () => NOW, settleMs: 0, ttlMs: 600_000, processAlive: () => true, ...lease },
  });
  expectNoSecret(JSON.stringify(events), "pipeline events");
  return { summary, events };
}

const pointsOf = (s: FakeMlflowServer, run: string) =>
  metricPoints(s).filter((p) => p.startsWith(`${run}|`)).length;
const leaseOf = (s: FakeMlflowServer, run: string) => decodeLease(s.runs.get(run)!.tags.get(LEASE_TAG));
function foreign(expires: number, host = "worker-b"): RunLease {
  return { owner: `${host}:200:bbbb`, host, pid: 200, expires };
}

describe("run lease in MLflow", () => {
  it("is written and read back before the run is touched, and released after writing", async () => {
    const s = await server();
    const adapter = adapterFor(s);
    const seenDuringWrite: (RunLease | null)[] = [];
    const watched: TrackerAdapter = {
      ...adapter,
      writeResults: async (run, batch, signal) => {
        seenDuringWrite.push(leaseOf(s, run.id));
        return adapter.writeResults!(run, batch, signal);
      },
    };
    const { summary } = await sync(watched);
    expect(summary).toMatchObject({ runs: 3, ok: 3, deferred: 0, failed: 0 });
    expect(seenDuringWrite).toEqual([0, 1, 2].map(() => ({ ...ME, expires: NOW + 600_000 })));
    for (const run of ["run0", "run1", "run2"]) {
      // Released = deleted: the tag is there only while a sync holds the run (issue 14).
      expect(s.runs.get(run)!.tags.has(LEASE_TAG)).toBe(false);
      expect(pointsOf(s, run)).toBe(POINTS_PER_RUN);
    }
    // Order on the wire for one run: read lease (runs/get), set-tag, read back (runs/get), …, delete-tag.
    const setTags = s.requests.filter(
      (r) => r.path.endsWith("runs/set-tag") && (r.body as { key: string }).key === LEASE_TAG,
    );
    expect(setTags).toHaveLength(3);
    const deletes = s.requests.filter((r) => r.path.endsWith("runs/delete-tag"));
    expect(deletes.map((r) => r.body)).toEqual(
      ["run0", "run1", "run2"].map((run_id) => ({ run_id, key: LEASE_TAG })),
    );
    // Deleting an already deleted lease is harmless (the fake answers RESOURCE_DOES_NOT_EXIST, as
    // SqlAlchemyStore.delete_tag does).
    await expect(adapter.deleteLease!({ id: "run0" } as never)).resolves.toBeUndefined();
    // The claim is lazy: a sync with nothing to do takes no lease and writes no tag.
    const before = s.requests.length;
    expect((await sync(adapter)).summary).toMatchObject({ unchanged: 3 });
    expect(
      s.requests.slice(before).filter((r) => r.method !== "GET" && !r.path.endsWith("runs/search")),
    ).toEqual([]);
  });

  it("a live lease of another machine: that run is skipped and reported, the others are done", async () => {
    const s = await server();
    s.runs.get("run1")!.tags.set(LEASE_TAG, encodeLease(foreign(NOW + 60_000)));
    const { summary, events } = await sync(adapterFor(s));
    expect(summary).toMatchObject({ runs: 3, ok: 2, deferred: 1, failed: 0 });
    const deferred = events.find((e) => e.type === "run-deferred");
    expect(deferred).toMatchObject({ run: "run1" });
    expect((deferred as { reason: string }).reason).toContain(
      "leased by worker-b:200:bbbb until 2026-07-01T12:01:00.000Z",
    );
    expect([pointsOf(s, "run0"), pointsOf(s, "run1"), pointsOf(s, "run2")]).toEqual([
      POINTS_PER_RUN,
      0,
      POINTS_PER_RUN,
    ]);
    expect(leaseOf(s, "run1")).toEqual(foreign(NOW + 60_000)); // untouched
  });

  it("an expired lease, a released one, and one whose process died on this host are taken over", async () => {
    const s = await server();
    s.runs.get("run0")!.tags.set(LEASE_TAG, encodeLease(foreign(NOW - 1)));
    s.runs.get("run1")!.tags.set(LEASE_TAG, encodeLease({ ...foreign(NOW + 60_000), released: true }));
    s.runs.get("run2")!.tags.set(LEASE_TAG, encodeLease(foreign(NOW + 60_000, "worker-a"))); // pid 200 on our host
    const { summary } = await sync(adapterFor(s), { processAlive: (pid) => pid !== 200 });
    expect(summary).toMatchObject({ runs: 3, ok: 3, deferred: 0 });
    for (const run of ["run0", "run1", "run2"]) {
      expect(pointsOf(s, run)).toBe(POINTS_PER_RUN);
      expect(s.runs.get(run)!.tags.has(LEASE_TAG)).toBe(false); // taken over, then deleted
    }
  });

  it("a claim overwritten by a concurrent one before the read-back backs off (last writer wins)", async () => {
    const s = await server();
    const adapter = adapterFor(s);
    const racing: TrackerAdapter = {
      ...adapter,
      writeLease: async (run, lease, signal) => {
        await adapter.writeLease!(run, lease, signal);
        if (run.id === "run2" && !lease.released)
          await adapter.writeLease!(run, foreign(NOW + 60_000), signal);
      },
    };
    const { summary, events } = await sync(racing);
    expect(summary).toMatchObject({ ok: 2, deferred: 1 });
    expect(events.find((e) => e.type === "run-deferred")).toMatchObject({
      run: "run2",
      reason: "lost a concurrent claim to worker-b:200:bbbb; skipped this sync",
    });
    expect(pointsOf(s, "run2")).toBe(0);
    expect(leaseOf(s, "run2")!.owner).toBe("worker-b:200:bbbb"); // not released by the loser
  });

  it("blockingReason: absent, own, released, expired and dead-on-this-host leases do not block", () => {
    const alive = () => true;
    expect(blockingReason(null, ME.owner, NOW, ME.host, alive)).toBeNull();
    expect(blockingReason({ ...ME, expires: NOW + 1 }, ME.owner, NOW, ME.host, alive)).toBeNull();
    expect(blockingReason(foreign(NOW), ME.owner, NOW, ME.host, alive)).toBeNull(); // expires == now: expired
    expect(blockingReason(foreign(NOW + 1), ME.owner, NOW, ME.host, alive)).toContain("leased by");
    expect(blockingReason(foreign(NOW + 1, ME.host), ME.owner, NOW, ME.host, () => false)).toBeNull();
    expect(decodeLease("not json")).toBeNull();
    expect(decodeLease(`{"owner":"x","expires":"soon"}`)).toBeNull();
  });

  it("leaseExpiry: the ttl, cut to the deadline plus LEASE_MARGIN_MS (60 s)", () => {
    expect(LEASE_MARGIN_MS).toBe(60_000);
    expect(leaseExpiry(NOW, 600_000, undefined)).toBe(NOW + 600_000);
    expect(leaseExpiry(NOW, 600_000, NOW + 120_000)).toBe(NOW + 180_000);
    expect(leaseExpiry(NOW, 600_000, NOW + 3_600_000)).toBe(NOW + 600_000); // the ttl still bounds it
    expect(leaseExpiry(NOW, 600_000, NOW - 5_000)).toBe(NOW + 55_000); // claimed in the grace after the deadline
  });

  it("the claim the CLI writes expires at --max-duration + 60 s, or after the 30 min ttl without it", async () => {
    const s = await server();
    const claims = (from: number) =>
      s.requests
        .slice(from)
        .filter((r) => r.path.endsWith("runs/set-tag") && (r.body as { key: string }).key === LEASE_TAG)
        .map((r) => decodeLease((r.body as { value: string }).value)!);
    const args = ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json"];
    // In-process: the deadline clock starts when the command does (CliContext.startedAt omitted),
    // so it lies between t0 and t1, and the claim must expire 2 min + 60 s after it.
    const t0 = Date.now();
    const bounded = await cli(
      [...args, "--runs", "run0", "--max-duration", "2m", "--lock-file", await lockFile()],
      {
        env: mlflowEnv(s.url),
      },
    );
    const t1 = Date.now();
    expect(bounded.code, bounded.stderr).toBe(0);
    const [claim] = claims(0);
    expect(claims(0)).toHaveLength(1);
    expect(claim!.expires).toBeGreaterThanOrEqual(t0 + 120_000 + LEASE_MARGIN_MS);
    expect(claim!.expires).toBeLessThanOrEqual(t1 + 120_000 + LEASE_MARGIN_MS);
    // Without --max-duration the ttl stays: 30 min after the claim.
    const before = s.requests.length;
    const t2 = Date.now();
    const unbounded = await cli([...args, "--runs", "run1", "--lock-file", await lockFile()], {
      env: mlflowEnv(s.url),
    });
    const t3 = Date.now();
    expect(unbounded.code, unbounded.stderr).toBe(0);
    const [open] = claims(before);
    expect(open!.expires).toBeGreaterThanOrEqual(t2 + DEFAULT_LEASE_TTL_MS);
    expect(open!.expires).toBeLessThanOrEqual(t3 + DEFAULT_LEASE_TTL_MS);
    // Both were released after the sync.
    for (const run of ["run0", "run1"]) expect(s.runs.get(run)!.tags.has(LEASE_TAG)).toBe(false);
  });

  it("two CLI processes on two 'machines' (separate lock files) at once: every point once, every run accounted for", async () => {
    const s = await server();
    const args = ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json"];
    const [a, b] = await Promise.all([
      startCli([...args, "--lock-file", await lockFile()], mlflowEnv(s.url)).done,
      startCli([...args, "--lock-file", await lockFile()], mlflowEnv(s.url)).done,
    ]);
    expectNoSecret(a.stdout + a.stderr + b.stdout + b.stderr, "concurrent syncs");
    expect([a.code, b.code]).toEqual([0, 0]);
    const sa = ndjsonEvents(a.stdout).at(-1)!;
    const sb = ndjsonEvents(b.stdout).at(-1)!;
    console.log(`concurrent syncs: A ${JSON.stringify(sa)}\n                  B ${JSON.stringify(sb)}`);
    expect(duplicatePoints(s)).toEqual([]);
    expect(metricPoints(s)).toHaveLength(3 * POINTS_PER_RUN);
    for (const summary of [sa, sb]) {
      expect(Number(summary.ok) + Number(summary.unchanged) + Number(summary.deferred)).toBe(3);
    }
    for (const run of ["run0", "run1", "run2"]) expect(s.runs.get(run)!.tags.has(LEASE_TAG)).toBe(false);
    // Both processes claimed on this host (the lease names it while held).
    const claims = s.requests.filter(
      (r) => r.path.endsWith("runs/set-tag") && (r.body as { key: string }).key === LEASE_TAG,
    );
    expect(claims.length).toBeGreaterThan(0);
    for (const c of claims) expect(decodeLease((c.body as { value: string }).value)!.host).toBe(hostname());
  });
});
