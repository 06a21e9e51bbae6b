/**
 * The pipeline's ProfileComputer on worker threads: clouds below the pool's split threshold run one
 * per worker (parallel across steps and layers); larger ones have their grid split across all
 * threads (ProfilePool.profileSplit).
 */
import { ProfilePool } from "./pool.js";
import type { ProfileComputer } from "./step-result.js";

export interface PooledComputer extends ProfileComputer {
  close(): Promise<void>;
}

/** Points from which one profile's grid is split across the threads (pool default, measured there). */
const SPLIT_MIN_POINTS = 1500;

export function createPooledComputer(threads: number): PooledComputer {
  const pool = new ProfilePool({ threads, splitMinPoints: SPLIT_MIN_POINTS });
  return {
    compute: (probe, options) => {
      if (probe.n >= SPLIT_MIN_POINTS) return pool.profileSplit(probe, options);
      // The pool transfers the array to the worker (detaching it here); the pipeline may still hold
      // this cloud (a step waiting for its layer's T), so hand over a copy (n·d doubles, cheap).
      return pool.profile({ ...probe, data: probe.data.slice() }, options);
    },
    whenRoom: () => pool.whenRoom(),
    close: () => pool.close(),
  };
}
