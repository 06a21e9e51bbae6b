/**
 * The lane scheduler of the worker pool (src/sync/pool-lanes.ts): a sequence stays on the thread
 * that last computed it, no lane idles while a job is queued, errors reach their caller. Threads run
 * test/fast/fixtures/lane-worker.mjs, which answers with its threadId. The assertions hold for any
 * timing: the scheduler decides when a job is submitted or when a lane frees up, and the tests only
 * submit while every lane is idle, or check what must hold whatever finishes first.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { PoolLanes, pickJob } from "../../src/sync/pool-lanes.js";

const WORKER = fileURLToPath(new URL("./fixtures/lane-worker.mjs", import.meta.url));
type Answer = { id: string; threadId: number };

let lanes: PoolLanes | undefined;
afterEach(async () => {
  await lanes?.close();
  lanes = undefined;
});

describe("pickJob: which queued job an idle lane takes", () => {
  const owner = new Map([
    ["a", 0],
    ["b", 1],
  ]);
  const queue = [{ affinity: "b" }, { affinity: "c" }, { affinity: "a" }, { affinity: undefined }];

  it("its own sequence first, even behind older jobs", () => {
    expect(pickJob(queue, 0, owner, "own")).toBe(2);
    expect(pickJob(queue, 1, owner, "own")).toBe(0);
    expect(pickJob(queue, 2, owner, "own")).toBe(-1);
  });

  it("then the oldest job no lane owns (a new sequence, or none)", () => {
    expect(pickJob(queue, 0, owner, "unowned")).toBe(1);
    expect(pickJob([{ affinity: "a" }, { affinity: undefined }], 1, owner, "unowned")).toBe(1);
    expect(pickJob([{ affinity: "a" }], 1, owner, "unowned")).toBe(-1);
  });

  it("then the oldest of all; nothing from an empty queue", () => {
    expect(pickJob([{ affinity: "a" }, { affinity: "b" }], 1, owner, "steal")).toBe(0);
    expect(pickJob([], 0, owner, "steal")).toBe(-1);
  });
});

describe("PoolLanes on two worker threads", () => {
  it("the next job of each sequence runs on the thread that ran its previous one", async () => {
    lanes = new PoolLanes(2, WORKER);
    const first = (await Promise.all([
      lanes.run({ id: "a0" }, { affinity: "a" }),
      lanes.run({ id: "b0" }, { affinity: "b" }),
    ])) as Answer[];
    expect(first[0]!.threadId).not.toBe(first[1]!.threadId); // both lanes were idle: one each
    for (let step = 1; step <= 5; step++) {
      // submitted in the other order each time: a shared queue would hand them out by arrival
      const order = step % 2 === 0 ? ["a", "b"] : ["b", "a"];
      const got = (await Promise.all(
        order.map((s) => lanes!.run({ id: `${s}${step}` }, { affinity: s })),
      )) as Answer[];
      for (const [i, s] of order.entries())
        expect(got[i]!.threadId, `${s}${step}`).toBe(first[s === "a" ? 0 : 1]!.threadId);
    }
  });

  it("one sequence on two lanes uses both (a lane never idles while a job waits)", async () => {
    lanes = new PoolLanes(2, WORKER);
    const jobs = [0, 1, 2, 3].map((i) => lanes!.run({ id: `a${i}`, ms: 50 }, { affinity: "a" }));
    expect(lanes.queued).toBe(2); // two started at once, two wait
    const got = (await Promise.all(jobs)) as Answer[];
    expect(new Set(got.map((g) => g.threadId)).size).toBe(2);
    expect(got.map((g) => g.id)).toEqual(["a0", "a1", "a2", "a3"]);
  });

  it("a failing job rejects its own promise; the lane goes on with the next", async () => {
    lanes = new PoolLanes(1, WORKER);
    const bad = lanes.run({ id: "x", fail: true }, { affinity: "a" });
    const good = lanes.run({ id: "y" }, { affinity: "a" });
    await expect(bad).rejects.toThrow(/task x failed on purpose/);
    await expect(good).resolves.toMatchObject({ id: "y" });
    expect(lanes.queued).toBe(0);
  });

  it("whenSettled wakes a caller when a job finishes (the pool's bounded queue waits on it)", async () => {
    lanes = new PoolLanes(1, WORKER);
    const running = lanes.run({ id: "r", ms: 20 });
    let woke = false;
    const wait = lanes.whenSettled().then(() => {
      woke = true;
    });
    expect(woke).toBe(false);
    await running;
    await wait;
    expect(woke).toBe(true);
  });
});
