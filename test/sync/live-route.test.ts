/** routeRun: writable runs go to the adapter, deferred ones through its live view or nowhere. */
import { describe, expect, it } from "vitest";
import type { LiveView, RunRef, TrackerAdapter } from "../../src/adapter-kit.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { routeRun } from "../../src/sync/live-route.js";

const empty = async function* () {};
const base = (extra: Partial<TrackerAdapter> = {}): TrackerAdapter => ({
  name: "stub",
  listRuns: empty,
  listActivations: empty,
  readActivation: async () => new Uint8Array(),
  readState: async () => ({ references: {}, written: [] }),
  ...extra,
});
const running: RunRef = { id: "r1", status: "running" };
const deferring = { deferReason: (r: RunRef) => (r.status === "running" ? "still running" : null) };

function route(adapter: TrackerAdapter, run: RunRef, dryRun = false) {
  const events: SyncEvent[] = [];
  return { target: routeRun(adapter, run, dryRun, (e) => events.push(e)), events };
}

describe("routeRun", () => {
  it("a writable run goes to the adapter itself, with no event", () => {
    const a = base(deferring);
    expect(route(a, { id: "f", status: "finished" })).toEqual({ target: a, events: [] });
  });

  it("a deferred run without a live view is deferred (planned as writable in a dry run)", () => {
    const a = base(deferring);
    expect(route(a, running)).toEqual({
      target: null,
      events: [{ type: "run-deferred", run: "r1", reason: "still running" }],
    });
    expect(route(a, running, true)).toEqual({ target: a, events: [] });
  });

  it("a deferred run with a live view goes through it, dry run or not, and says where", () => {
    const view: LiveView = { target: "companion r1-x", adapter: base() };
    const a = base({ ...deferring, liveView: (r) => (r.id === "r1" ? view : null) });
    for (const dry of [false, true]) {
      expect(route(a, running, dry)).toEqual({
        target: view.adapter,
        events: [{ type: "run-live", run: "r1", target: "companion r1-x", reason: "still running" }],
      });
    }
    // liveView returning null (e.g. turned off): deferred as before.
    expect(route(a, { id: "r2", status: "running" }).target).toBeNull();
  });
});
