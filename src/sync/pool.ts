import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { DEFAULT_MODE } from "../core/engines.js";
import { finishProfile, planProfile } from "../core/profile.js";
import { withDimensionFit } from "../core/profile-fit.js";
import type { MagnitudeAtScale } from "../core/solve.js";
import type { MagnitudeProfile, PointCloud, ProfileOptions } from "../core/types.js";
import { PoolLanes } from "./pool-lanes.js";
import { evaluateRangeOf, type ProfileTask, type ScalesTask } from "./pool-worker.js";

/**
 * Computes magnitude profiles in parallel on worker threads (piscina, one per lane: pool-lanes.ts):
 * - across clouds (profile / profileAll): one profile per task, a sequence's clouds kept on one lane
 *   while that keeps every lane busy. Memory stays bounded: at most `threads` profiles run and at
 *   most `maxQueue` clouds wait (submit awaits room instead of growing the queue); each cloud's
 *   Float64Array is transferred, not copied, to the worker.
 * - across the scales of one cloud (profileSplit): the calling thread plans the profile (distances,
 *   t_conv), then the grid is cut into contiguous ranges, one per worker plus one for the calling
 *   thread; D goes to the workers in a SharedArrayBuffer (one n² copy at most, none when the fast
 *   engine already built it shared).
 * Peak memory of a split profile: the caller's D (n² doubles, shared) plus, per thread that runs a
 * fast range, its kernel workspace: D, Z, Z_step, an f64 factor buffer (4·n² doubles) and an f32
 * factor (n² floats) = 36·n² bytes — n = 2000: 144 MB, n = 4000: 576 MB per thread.
 */
export interface ProfilePoolOptions {
  readonly threads?: number; // default: available parallelism
  readonly maxQueue?: number; // default: 2 × threads
  /**
   * profileSplit computes clouds with fewer distinct points on the calling thread alone (default 1500):
   * measured n = 1000, 2 threads: 0.13–0.14 s split vs 0.11–0.13 s in-process (the worker's range
   * starts cold); n = 2000: 0.53–0.66 s vs 0.69–0.87 s.
   */
  readonly splitMinPoints?: number;
}

/**
 * The compiled worker's CommonJS entry (pool-worker-entry.cts: why not pool-worker.js itself): next to
 * this module in dist, or dist/src/sync when running from the sources.
 */
export function workerFile(): string {
  const beside = fileURLToPath(new URL("./pool-worker-entry.cjs", import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL("../../dist/src/sync/pool-worker-entry.cjs", import.meta.url));
}

export class ProfilePool {
  private readonly lanes: PoolLanes;
  private readonly maxQueue: number;
  private warm = false;
  private readonly splitMinPoints: number;

  constructor(options: ProfilePoolOptions = {}) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.maxQueue = Math.max(1, options.maxQueue ?? 2 * threads);
    this.splitMinPoints = options.splitMinPoints ?? 1500;
    this.lanes = new PoolLanes(threads, workerFile());
  }

  /** Profile of one cloud; resolves when computed. Waits while the queue is full. */
  async profile(cloud: PointCloud, options: ProfileOptions = {}): Promise<MagnitudeProfile> {
    await this.whenRoom();
    // transfer only a buffer that holds exactly this array (never detach a caller's larger buffer)
    const whole = cloud.data.byteOffset === 0 && cloud.data.byteLength === cloud.data.buffer.byteLength;
    const data = whole ? cloud.data : cloud.data.slice();
    const task: ProfileTask = { data, n: cloud.n, d: cloud.d, options };
    return (await this.lanes.run(task, {
      transferList: [data.buffer as ArrayBuffer],
      ...(options.sequence === undefined ? {} : { affinity: options.sequence }),
    })) as MagnitudeProfile;
  }

  /** Resolves when every worker thread has started (a split profile needs them running at once). */
  async ready(): Promise<void> {
    if (this.warm) return;
    await this.lanes.runOnEach({ kind: "ping" });
    this.warm = true;
  }

  /**
   * One cloud's profile with its grid split across the calling thread and every worker (same values as
   * computeProfile up to the warm starts at the range boundaries, each within its stated bound).
   * Ranges are contiguous (warm starts, Hadamard recurrence) and cost-balanced: small-t scales cost
   * more (factorisations, more iterations), so boundaries sit at m·(i/P)^1.8 for P parallel ranges
   * (P = 2: scales 0–8 here, 9–29 in the worker; measured 2000×64, split at 8: 245 ms | 203 ms, at 10: 311 ms | 266 ms).
   */
  async profileSplit(cloud: PointCloud, options: ProfileOptions = {}): Promise<MagnitudeProfile> {
    await this.ready();
    const plan = planProfile(cloud, options);
    const { ctx } = plan.prep;
    const m = plan.scales.length;
    const parts = Math.min(this.threads + 1, Math.floor(m / 2));
    const t0 = performance.now();
    const weights = options.weights ?? false;
    const mode = options.mode ?? DEFAULT_MODE;
    const sequence = options.sequence === undefined ? {} : { sequence: options.sequence };
    // the weights of the scales solved on this thread start the dimension fit's solves
    const keep: (Float64Array | null)[] = [];
    // mode "large" is not split: every thread would hold its own packed Z_t (4·n² bytes) beyond the
    // one profile the memory budget counts
    if (ctx.n < Math.max(2, this.splitMinPoints) || parts < 2 || mode === "large") {
      const all = evaluateRangeOf(
        ctx,
        { scales: plan.scales, from: 0, to: m, mode, weights, ...sequence },
        keep,
      );
      return withDimensionFit(plan, finishProfile(plan, all, performance.now() - t0), keep);
    }
    const bounds = splitBounds(m, parts);
    const D = sharedCopy(ctx.D);
    const remote: Promise<MagnitudeAtScale[]>[] = [];
    for (let p = 1; p < parts; p++) {
      const task: ScalesTask = {
        kind: "scales",
        D,
        n: ctx.n,
        stats: ctx.stats,
        scales: plan.scales,
        from: bounds[p],
        to: bounds[p + 1],
        mode,
        weights,
        ...sequence,
      };
      // part p of a sequence on one lane, so that lane keeps the factors of those scales
      const affinity =
        options.sequence === undefined ? {} : { affinity: `${options.sequence}\u0000part ${p}` };
      remote.push(this.lanes.run(task, affinity) as Promise<MagnitudeAtScale[]>);
    }
    // the calling thread takes the first (most expensive per scale) range with its own workspace
    const local = evaluateRangeOf(
      ctx,
      { scales: plan.scales, from: 0, to: bounds[1], mode, weights, ...sequence },
      keep,
    );
    const rest = await Promise.all(remote);
    return withDimensionFit(plan, finishProfile(plan, local.concat(...rest), performance.now() - t0), keep);
  }

  /** Resolves when the queue has room for one more task. */
  async whenRoom(): Promise<void> {
    while (this.lanes.queued >= this.maxQueue) await this.lanes.whenSettled();
  }

  /**
   * Profiles of many clouds, in order. The next cloud is pulled from the iterable only when the queue
   * has room, so a generator that reads clouds lazily keeps at most threads + maxQueue in memory.
   */
  async profileAll(clouds: Iterable<PointCloud>, options: ProfileOptions = {}): Promise<MagnitudeProfile[]> {
    const pending: Promise<MagnitudeProfile>[] = [];
    for (const c of clouds) {
      await this.whenRoom();
      pending.push(this.profile(c, options));
    }
    return Promise.all(pending);
  }

  get threads(): number {
    return this.lanes.size;
  }

  async close(): Promise<void> {
    await this.lanes.close();
  }
}

/** Range boundaries 0 = b_0 < b_1 < … < b_P = m at m·(i/P)^1.8 (small-t scales cost more). */
export function splitBounds(m: number, parts: number): number[] {
  const b = [0];
  for (let i = 1; i < parts; i++) {
    const k = Math.round(m * (i / parts) ** 1.8);
    b.push(Math.min(m - (parts - i), Math.max(b[i - 1] + 1, k)));
  }
  b.push(m);
  return b;
}

/** D over a SharedArrayBuffer (as is when it already is one). */
function sharedCopy(D: Float64Array): Float64Array {
  if (D.buffer instanceof SharedArrayBuffer) return D;
  const out = new Float64Array(new SharedArrayBuffer(D.byteLength));
  out.set(D);
  return out;
}
