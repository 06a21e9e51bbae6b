/**
 * Scale-out without a coordinator: `--shard i/N` keeps the runs whose stable hash falls in shard i.
 * Every worker of a Kubernetes Indexed Job (JOB_COMPLETION_INDEX = i) computes the same split, so N
 * workers cover every run exactly once.
 */
import { MagtrackError } from "../core/errors.js";
import { stableHash } from "./probe-rows.js";

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count) || count > 100_000) {
    throw new MagtrackError(
      "usage",
      "BAD_SHARD",
      `--shard "${text}": expected i/N with 0 ≤ i < N (e.g. 0/4)`,
    );
  }
  return { index, count };
}

/** --shard wins; else JOB_COMPLETION_INDEX with MAGTRACK_SHARD_COUNT (Kubernetes Indexed Jobs); else none. */
export function shardFromEnv(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Shard | null {
  if (flag !== undefined) return parseShard(flag);
  const index = env.JOB_COMPLETION_INDEX;
  const count = env.MAGTRACK_SHARD_COUNT;
  if (index !== undefined && count !== undefined) return parseShard(`${index}/${count}`);
  if (index !== undefined) {
    throw new MagtrackError(
      "config",
      "SHARD_COUNT_MISSING",
      "JOB_COMPLETION_INDEX is set but MAGTRACK_SHARD_COUNT is not: set it to the Job's completions",
    );
  }
  return null;
}

export function inShard(runId: string, shard: Shard | null): boolean {
  return shard === null || stableHash(runId) % shard.count === shard.index;
}
