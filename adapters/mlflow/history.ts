/**
 * Reading magtrack's metrics back: which "magnitude/..." keys the run has (from the run's latest
 * metrics), their full histories (get-history, max_results always set), grouped by (layer, step).
 */
import type { MlflowClient } from "./client.js";
import { parseMetricKey } from "./keys.js";
import { decodeMetricValue, type WireMetric, type WireRun } from "./wire.js";

/** Parallel get-history calls per run: enough to hide latency, few enough to be polite. */
const HISTORY_CONCURRENCY = 4;

export function magnitudeKeysOf(run: WireRun): string[] {
  const keys = new Set<string>();
  for (const m of run.data?.metrics ?? []) if (parseMetricKey(m.key) !== null) keys.add(m.key);
  return [...keys].sort();
}

/** key → its history, for the given keys. */
export async function readHistories(
  client: MlflowClient,
  runId: string,
  keys: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, WireMetric[]>> {
  const out = new Map<string, WireMetric[]>();
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      out.set(key, await client.getMetricHistory(runId, key, signal));
    }
  };
  await Promise.all(Array.from({ length: Math.min(HISTORY_CONCURRENCY, keys.length) }, worker));
  return out;
}

/** The stored value of each (key, step): the latest point by timestamp when a step has several. */
export function latestByStep(history: readonly WireMetric[]): Map<number, number> {
  const best = new Map<number, { ts: number; value: number }>();
  for (const m of history) {
    const step = m.step ?? 0;
    const ts = m.timestamp ?? 0;
    const prev = best.get(step);
    if (prev === undefined || ts >= prev.ts) best.set(step, { ts, value: decodeMetricValue(m.value) });
  }
  return new Map([...best].map(([step, v]) => [step, v.value]));
}

/** Same value as stored? NaN equals NaN here (the server stores and returns it as "NaN"). */
export function sameMetricValue(sent: number, stored: number): boolean {
  return Object.is(sent, stored) || sent === stored || (Number.isNaN(sent) && Number.isNaN(stored));
}
