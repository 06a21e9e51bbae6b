/**
 * Per-thread memory of (run, layer) sequences (issue 16): consecutive training steps of a layer are
 * close clouds (same probe rows, small weight changes), so the previous step's t_conv is where the next
 * step's search starts (ProfileOptions.tConvHint: the Newton search begins there instead of bracketing
 * from the median distance; same t_conv within its tolerance, about half the probes).
 * One memory lives on each thread that computes (in-process computer, each pool worker); the pool
 * sends a sequence's steps to the same worker (pool.ts) so the state is there for the next step.
 * Bounded: at most `capacity` sequences (least recently used dropped), one number each.
 */
import { computeProfile } from "../core/profile.js";
import type { MagnitudeProfile, PointCloud, ProfileOptions } from "../core/types.js";

export const SEQUENCE_CAPACITY = 4096;

/** The key of a (run, layer) sequence. */
export function sequenceKey(run: string, layer: string): string {
  return `${run}\u0000${layer}`;
}

export class SequenceMemory {
  private readonly lastTConv = new Map<string, number>();

  constructor(private readonly capacity = SEQUENCE_CAPACITY) {}

  /** computeProfile, started from the sequence's last t_conv when there is one; remembers this one. */
  compute(probe: PointCloud, options: ProfileOptions, sequence?: string): MagnitudeProfile {
    if (sequence === undefined) return computeProfile(probe, options);
    const hint = this.lastTConv.get(sequence);
    const profile = computeProfile(probe, hint === undefined ? options : { ...options, tConvHint: hint });
    this.remember(sequence, profile.tConv);
    return profile;
  }

  /** The last t_conv remembered for a sequence (data units), if any. */
  hint(sequence: string): number | undefined {
    return this.lastTConv.get(sequence);
  }

  get size(): number {
    return this.lastTConv.size;
  }

  private remember(sequence: string, tConv: number | null): void {
    if (tConv === null || !(tConv > 0 && Number.isFinite(tConv))) return;
    this.lastTConv.delete(sequence); // re-inserted last: Map order is recency order
    this.lastTConv.set(sequence, tConv);
    if (this.lastTConv.size > this.capacity) {
      const oldest = this.lastTConv.keys().next().value;
      if (oldest !== undefined) this.lastTConv.delete(oldest);
    }
  }
}
