import { describe, expect, it } from "vitest";
import { deriveSeed, mulberry32, shuffleInPlace } from "../../src/demo/prng.js";

describe("mulberry32", () => {
  // Reference: an independent Python transcription of mulberry32 with explicit mod-2^32 arithmetic
  // (see test/demo/README.md), not this code's own output.
  it("matches the reference sequence for seeds 1 and 42", () => {
    const one = mulberry32(1);
    expect(Array.from({ length: 5 }, () => one.uniform())).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522, 0.9810509674716741, 0.9683778982143849,
    ]);
    const fortyTwo = mulberry32(42);
    expect(Array.from({ length: 5 }, () => fortyTwo.uniform())).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693, 0.17481389874592423,
    ]);
  });

  it("draws standard normals: mean 0 and variance 1 within 4 standard errors", () => {
    const rng = mulberry32(7);
    const n = 40_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      expect(Number.isFinite(z)).toBe(true);
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n)); // se(mean) = 1/√n
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n)); // se(var) ≈ √(2/n)
  });

  it("int(n) stays in [0, n)", () => {
    const rng = mulberry32(3);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5000);
    for (const c of counts) expect(c).toBeGreaterThan(850); // expected 1000 each, sd ≈ 28
  });
});

describe("shuffleInPlace / deriveSeed", () => {
  it("shuffle is a permutation and changes the order", () => {
    const values = Int32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(values, mulberry32(5));
    expect(Array.from(values).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(values)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("derived seeds differ by label and by seed (including the FNV xor-collision pair)", () => {
    // 1 ^ "a" === 2 ^ "b" (both 96): a naive xor of seed and character would collide here.
    const seeds = new Set([deriveSeed(1, "a"), deriveSeed(1, "b"), deriveSeed(2, "a"), deriveSeed(2, "b")]);
    const many = new Set<number>();
    for (let seed = 0; seed < 100; seed++)
      for (const label of ["task/train", "task/test", "train/init"]) many.add(deriveSeed(seed, label));
    expect(many.size).toBe(300);
    expect(seeds.size).toBe(4);
    expect(deriveSeed(1, "a")).toBe(deriveSeed(1, "a"));
  });
});
