/**
 * SequenceMemory (src/sync/sequence-memory.ts): the steps of one (run, layer) sequence start their
 * t_conv search from the previous step's value — same t_conv as a memoryless computeProfile within
 * the search's tolerance (rtol 1e-10 in log t), fewer probes — other sequences are not affected, and
 * the memory holds at most its capacity.
 */
import { describe, expect, it } from "vitest";
import { driftingRun } from "../../bench/drifting-clouds.js";
import { computeProfile, type PointCloud } from "../../src/core/index.js";
import { SequenceMemory, sequenceKey } from "../../src/sync/sequence-memory.js";

const n = 250;
const clouds: PointCloud[] = [...driftingRun({ n, steps: 4, drift: 0.01, seed: 2 })].map(([, l]) => ({
  data: l.h1,
  n,
  d: 64,
}));
const options = { mode: "fast", nScales: 5 } as const;

describe("SequenceMemory", () => {
  it("starts each step from the previous step's t_conv: same values within tolerance, fewer probes", () => {
    const memory = new SequenceMemory();
    const seq = sequenceKey("run-a", "h1");
    let previous: number | undefined;
    for (let s = 0; s < clouds.length; s++) {
      const before = memory.hint(seq);
      expect(before).toBe(previous);
      const remembered = memory.compute(clouds[s]!, options, seq);
      const plain = computeProfile(clouds[s]!, options);
      expect(Math.abs(remembered.tConv! - plain.tConv!) / plain.tConv!).toBeLessThanOrEqual(1e-9);
      if (s === 0) {
        expect(before).toBeUndefined();
        expect(remembered.tConvInfo!.iterations).toBe(plain.tConvInfo!.iterations);
      } else {
        expect(remembered.tConvInfo!.iterations!).toBeLessThan(plain.tConvInfo!.iterations!);
      }
      expect(memory.hint(seq)).toBe(remembered.tConv);
      previous = remembered.tConv!;
    }
    // another layer of the same run has no memory yet: a cold search
    const other = memory.compute(clouds[1]!, options, sequenceKey("run-a", "h2"));
    expect(other.tConvInfo!.iterations).toBe(computeProfile(clouds[1]!, options).tConvInfo!.iterations);
    // without a sequence nothing is remembered
    memory.compute(clouds[2]!, options);
    expect(memory.size).toBe(2);
  });

  it("keeps at most `capacity` sequences, dropping the least recently used", () => {
    const memory = new SequenceMemory(2);
    const small = { data: Float64Array.from([0, 0, 1, 0, 0, 1]), n: 3, d: 2 };
    memory.compute(small, options, "a");
    memory.compute(small, options, "b");
    memory.compute(small, options, "a"); // a is now the most recent
    memory.compute(small, options, "c");
    expect(memory.size).toBe(2);
    expect(memory.hint("b")).toBeUndefined();
    expect(memory.hint("a")).toBeGreaterThan(0);
    expect(memory.hint("c")).toBeGreaterThan(0);
  });
});
