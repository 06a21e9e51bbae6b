/**
 * Worker threads as lanes, one piscina of one thread each, with a scheduler that keeps a sequence
 * (a run's layer: ProfileOptions.sequence) on the lane that last computed it. The reason: each
 * thread keeps a sequence's f32 preconditioner factors and its last t_conv (src/core/fast/
 * factor-cache.ts, tconv-hints.ts), and those pay off only when the next step of the layer runs
 * where the previous one ran. Measured (1000 × 64 drifting clouds, one thread, 20–40 steps of h1):
 * every step on one thread 181 ms per cloud, every other step (what a shared queue of 2 workers
 * gives a layer-major plan) 224 ms, no kept state 242–249 ms.
 *
 * Work-conserving: an idle lane takes, in this order, the oldest queued job of a sequence it owns,
 * the oldest job of a sequence no lane owns (or without one), then the oldest job of all (it steals:
 * the sequence moves to this lane). A lane never waits while a job is queued, so one layer on two
 * lanes still uses both (at the every-other-step cost).
 */
import { Piscina } from "piscina";
import { workerExecArgv } from "./worker-exec-argv.js";

interface Job {
  readonly task: unknown;
  readonly transferList: ArrayBuffer[];
  readonly affinity: string | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Owners remembered at most (a sync sees runs × layers sequences; older ones are forgotten first). */
const MAX_OWNERS = 4096;

const PASSES = ["own", "unowned", "steal"] as const;

/**
 * Index of the queued job an idle lane takes in this pass (−1: none): "own", the oldest job of a
 * sequence the lane owns; "unowned", the oldest without an owner (or without a sequence); "steal",
 * the oldest of all.
 */
export function pickJob(
  queue: readonly { readonly affinity: string | undefined }[],
  lane: number,
  owner: ReadonlyMap<string, number>,
  pass: (typeof PASSES)[number],
): number {
  if (pass === "own")
    return queue.findIndex((j) => j.affinity !== undefined && owner.get(j.affinity) === lane);
  if (pass === "unowned") return queue.findIndex((j) => j.affinity === undefined || !owner.has(j.affinity));
  return queue.length > 0 ? 0 : -1;
}

export class PoolLanes {
  private readonly lanes: Piscina[];
  private readonly busy: boolean[];
  private readonly queue: Job[] = [];
  private readonly owner = new Map<string, number>();
  private readonly settled: Array<() => void> = [];

  constructor(threads: number, filename: string) {
    this.lanes = Array.from(
      { length: threads },
      () => new Piscina({ filename, minThreads: 1, maxThreads: 1, execArgv: workerExecArgv() }),
    );
    this.busy = this.lanes.map(() => false);
  }

  get size(): number {
    return this.lanes.length;
  }

  /** Jobs waiting for a lane (not yet started). */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs the task on a lane chosen by affinity (see the module comment); resolves with its result. */
  run(task: unknown, options: { affinity?: string; transferList?: ArrayBuffer[] } = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        task,
        transferList: options.transferList ?? [],
        affinity: options.affinity,
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Runs the task on every lane at once, bypassing the queue (e.g. a ping that starts each thread). */
  runOnEach(task: unknown): Promise<unknown[]> {
    return Promise.all(this.lanes.map((lane) => lane.run(task)));
  }

  /** Resolves when some job has finished (for callers waiting until the queue has room). */
  whenSettled(): Promise<void> {
    return new Promise((resolve) => this.settled.push(resolve));
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.destroy()));
  }

  /** Three passes over the idle lanes (PASSES): every idle lane looks for its own jobs before any steals. */
  private dispatch(): void {
    for (const pass of PASSES) {
      for (let lane = 0; lane < this.lanes.length && this.queue.length > 0; lane++) {
        if (this.busy[lane]) continue;
        const at = pickJob(this.queue, lane, this.owner, pass);
        if (at >= 0) this.start(lane, this.queue.splice(at, 1)[0]!);
      }
    }
  }

  private start(lane: number, job: Job): void {
    this.busy[lane] = true;
    if (job.affinity !== undefined) {
      this.owner.delete(job.affinity); // re-inserted last: the Map's order is the forgetting order
      this.owner.set(job.affinity, lane);
      if (this.owner.size > MAX_OWNERS) this.owner.delete(this.owner.keys().next().value!);
    }
    this.lanes[lane]!.run(job.task, { transferList: job.transferList })
      .then(job.resolve, job.reject)
      .finally(() => {
        this.busy[lane] = false;
        this.dispatch();
        for (const wake of this.settled.splice(0)) wake();
      });
  }
}
