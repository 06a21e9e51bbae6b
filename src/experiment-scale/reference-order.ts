/**
 * The deterministic order in which runs are tried as an experiment's reference (docs/scale.md):
 * earliest start first, runs without a start time last, ties broken by run id (string order, which
 * every shard computes the same way; never locale-dependent).
 */
import type { RunRef } from "../adapter-kit.js";

export function referenceOrder(runs: readonly RunRef[]): RunRef[] {
  const start = (r: RunRef) =>
    r.startTime !== undefined && Number.isFinite(r.startTime) ? r.startTime : Number.POSITIVE_INFINITY;
  return [...runs].sort((a, b) => {
    const d = start(a) - start(b);
    if (d !== 0 && !Number.isNaN(d)) return d;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
