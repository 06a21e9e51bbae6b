/**
 * The "outside finished" band (docs/alerts.md). Each finished run i of the experiment ended at its
 * last result step L_i. A value at step s of the run being checked sits at fraction f = s / L, and
 * is compared with the finished runs at the same fraction: run i's value at its last logged step
 * ≤ ⌊f · L_i⌋ (as `magtrack report --at` reads fractions, src/report/at.ts). The band is
 * [min_i v_i, max_i v_i] over the finished runs with a value there, the checked run itself left out;
 * it is used only where at least MIN_BAND_RUNS runs give one.
 *
 * L of the checked run: its own last result step once it has ended; while it is running its end is
 * not known yet, so L = max(its last step so far, the median L_i of the finished runs) — "it trains
 * about as long as the finished runs did".
 */
import type { RunStatus } from "../adapter-kit.js";
import { valueOrNull } from "../report/types.js";
import { median } from "./robust-z.js";

/** Fewer finished runs with a value at a fraction: no band there (the rule cannot fire). */
export const MIN_BAND_RUNS = 3;

export interface BandRun {
  readonly id: string;
  /** L_i: the run's last step with magtrack results. */
  readonly lastStep: number;
  /** metric key → step-ordered finite values. */
  readonly series: ReadonlyMap<string, readonly { step: number; value: number }[]>;
}

/** The experiment's finished runs as the band reads them, loaded once per sync. */
export interface FinishedBand {
  readonly runs: readonly BandRun[];
}

export interface BandAt {
  readonly lo: number;
  readonly hi: number;
  /** How many finished runs gave a value at this fraction. */
  readonly n: number;
}

/** [min, max] of the finished runs (other than `exclude`) at fraction f for `key`; null below MIN_BAND_RUNS. */
export function bandAt(band: FinishedBand, key: string, fraction: number, exclude: string): BandAt | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (const r of band.runs) {
    if (r.id === exclude) continue;
    const v = valueOrNull(r.series.get(key), Math.floor(fraction * r.lastStep));
    if (v === null) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    n++;
  }
  return n >= MIN_BAND_RUNS ? { lo, hi, n } : null;
}

/** L of the checked run (see the file comment); null when it has no step > 0 to divide by. */
export function trainingLength(
  band: FinishedBand,
  runId: string,
  status: RunStatus,
  lastStep: number,
): number | null {
  let length = lastStep;
  if (status === "running") {
    const others = band.runs.filter((r) => r.id !== runId).map((r) => r.lastStep);
    if (others.length > 0) length = Math.max(length, median(others));
  }
  return length > 0 && Number.isFinite(length) ? length : null;
}
