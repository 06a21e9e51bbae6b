import { describe, expect, it } from "vitest";
import { DEFAULT_TASK_SHAPE, makeTask, withLabelNoise } from "../../src/demo/task.js";

describe("makeTask", () => {
  const task = makeTask(1);
  const { dim, classes, trainSize, testSize, probeSize } = DEFAULT_TASK_SHAPE;

  it("has train, test and probe sets of the declared sizes with finite inputs", () => {
    for (const [set, n] of [
      [task.train, trainSize],
      [task.test, testSize],
      [task.probe, probeSize],
    ] as const) {
      expect(set.n).toBe(n);
      expect(set.x.length).toBe(n * dim);
      expect(set.x.every(Number.isFinite)).toBe(true);
      expect(set.y.every((label) => label >= 0 && label < classes)).toBe(true);
    }
  });

  it("probe batch is class-balanced and sorted by class", () => {
    const perClass = probeSize / classes;
    for (let i = 0; i < probeSize; i++) expect(task.probe.y[i]).toBe(Math.floor(i / perClass));
  });

  it("the three sets are different draws and the same seed gives the same task", () => {
    expect(task.train.x.subarray(0, dim)).not.toEqual(task.test.x.subarray(0, dim));
    expect(makeTask(1).probe.x).toEqual(task.probe.x);
    expect(makeTask(2).probe.x).not.toEqual(task.probe.x);
  });
});

describe("withLabelNoise", () => {
  const task = makeTask(3);
  const flipped = (rate: number) => {
    const noisy = withLabelNoise(task.train, DEFAULT_TASK_SHAPE.classes, rate, 3);
    const changed = new Set<number>();
    for (let i = 0; i < noisy.n; i++) if (noisy.y[i] !== task.train.y[i]) changed.add(i);
    return changed;
  };

  it("flips about the requested fraction (binomial, within 4 sd) to a different class", () => {
    const n = task.train.n;
    for (const rate of [0.2, 0.4]) {
      const changed = flipped(rate).size;
      expect(Math.abs(changed - rate * n)).toBeLessThan(4 * Math.sqrt(n * rate * (1 - rate)));
    }
    expect(flipped(0).size).toBe(0);
  });

  it("examples flipped at 20 % are a subset of those flipped at 40 %; inputs are shared", () => {
    const low = flipped(0.2);
    const high = flipped(0.4);
    for (const i of low) expect(high.has(i)).toBe(true);
    expect(withLabelNoise(task.train, 4, 0.4, 3).x).toBe(task.train.x);
  });
});
