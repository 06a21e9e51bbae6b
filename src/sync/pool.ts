import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { MagnitudeProfile, PointCloud, ProfileOptions } from "../core/types.js";
import type { ProfileTask } from "./pool-worker.js";

/**
 * Computes many magnitude profiles in parallel on worker threads (piscina), one profile per task.
 * Memory stays bounded: at most `threads` profiles run and at most `maxQueue` clouds wait (submit
 * awaits room instead of growing the queue); each cloud's Float64Array is transferred, not copied,
 * to the worker (the caller's array is detached afterwards).
 */
export interface ProfilePoolOptions {
  readonly threads?: number; // default: available parallelism
  readonly maxQueue?: number; // default: 2 × threads
}

/** The compiled worker: next to this module in dist, or dist/src/sync when running from the sources. */
function workerFile(): string {
  const beside = fileURLToPath(new URL("./pool-worker.js", import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL("../../dist/src/sync/pool-worker.js", import.meta.url));
}

export class ProfilePool {
  private readonly piscina: Piscina;
  private readonly maxQueue: number;
  private waiting: Array<() => void> = [];

  constructor(options: ProfilePoolOptions = {}) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.maxQueue = Math.max(1, options.maxQueue ?? 2 * threads);
    this.piscina = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads });
  }

  /** Profile of one cloud; resolves when computed. Waits while the queue is full. */
  async profile(cloud: PointCloud, options: ProfileOptions = {}): Promise<MagnitudeProfile> {
    await this.room();
    // transfer only a buffer that holds exactly this array (never detach a caller's larger buffer)
    const whole = cloud.data.byteOffset === 0 && cloud.data.byteLength === cloud.data.buffer.byteLength;
    const data = whole ? cloud.data : cloud.data.slice();
    const task: ProfileTask = { data, n: cloud.n, d: cloud.d, options };
    try {
      return (await this.piscina.run(task, {
        transferList: [data.buffer as ArrayBuffer],
      })) as MagnitudeProfile;
    } finally {
      this.waiting.shift()?.();
    }
  }

  /** Resolves when the queue has room for one more task. */
  private async room(): Promise<void> {
    while (this.piscina.queueSize >= this.maxQueue) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Profiles of many clouds, in order. The next cloud is pulled from the iterable only when the queue
   * has room, so a generator that reads clouds lazily keeps at most threads + maxQueue in memory.
   */
  async profileAll(clouds: Iterable<PointCloud>, options: ProfileOptions = {}): Promise<MagnitudeProfile[]> {
    const pending: Promise<MagnitudeProfile>[] = [];
    for (const c of clouds) {
      await this.room();
      pending.push(this.profile(c, options));
    }
    return Promise.all(pending);
  }

  get threads(): number {
    return this.piscina.options.maxThreads;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
