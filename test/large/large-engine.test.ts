/**
 * mode "large" (src/core/large: packed distances, CG at every scale): every value within the error
 * bound it states of (a) closed forms, (b) the exact engine (dense Cholesky) on every golden cloud and
 * on a realistic ReLU cloud (bench/relu-cloud.ts, n = 1000, d = 64, intrinsic dimension 32), and its
 * memory refusals are typed and come before anything of size n² is allocated.
 */
import { describe, expect, it } from "vitest";
import { reluCloud } from "../../bench/relu-cloud.js";
import { InputError } from "../../src/core/errors.js";
import { computeProfile, magnitudeFunction, type PointCloud } from "../../src/core/index.js";
import { checkMemoryBudget, profileMemoryNeed } from "../../src/core/memory-budget.js";
import type { MagnitudeProfile, SolveInfo } from "../../src/core/types.js";
import { cloud, GOLDEN_NAMES, loadPoints } from "../core/golden-data.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";

// CPU-bound: 12 s for the file on an idle 2-core machine, 87 s at a load of 20. The budget scales
// with this machine's speed now (helpers/baseline.ts), never below the suite default.
const TIMEOUT = timeoutFor(await childStartMs(), 240);

const U = Number.EPSILON / 2;

/**
 * |value − reference| ≤ the stated bound, plus the reference's own rounding: the dense Cholesky
 * value carries backward error ~ n·u·‖Z‖ that no bound of ours covers, taken as 8·n·u·|Mag| here.
 */
function expectWithinStated(value: number, reference: number, info: SolveInfo, n: number): void {
  expect(info.solver === "cg" || info.solver === "closed-form").toBe(true);
  expect(Number.isFinite(info.errorBound)).toBe(true);
  const slack = 8 * n * U * Math.abs(reference);
  expect(Math.abs(value - reference)).toBeLessThanOrEqual((info.errorBound ?? 0) + slack);
}

function compareWithExact(pc: PointCloud, profile: MagnitudeProfile): void {
  const ref = magnitudeFunction(pc, profile.scales, { mode: "exact" });
  for (let k = 0; k < profile.scales.length; k++) {
    expectWithinStated(profile.magnitude[k], ref.magnitude[k], profile.solveInfo[k], profile.nDistinct);
  }
}

function line(n: number): PointCloud {
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = i;
  return { data, n, d: 1 };
}

describe("mode large", { timeout: TIMEOUT }, () => {
  it("points on a line with unit gaps: Mag(tX) = 1 + (n − 1)·tanh(t/2) within the stated bound (n = 1500)", () => {
    const n = 1500;
    const p = computeProfile(line(n), { mode: "large", nScales: 12 });
    expect(p.solveInfo[0].solver).toBe("closed-form");
    for (let k = 1; k < p.scales.length; k++) {
      const exact = 1 + (n - 1) * Math.tanh(p.scales[k] / 2);
      expect(p.solveInfo[k].solver).toBe("cg");
      expect(Math.abs(p.magnitude[k] - exact)).toBeLessThanOrEqual(p.solveInfo[k].errorBound!);
    }
    // t_conv(0.95): 1 + (n − 1)·tanh(t/2) = 0.95·n
    const tConv = 2 * Math.atanh((0.95 * n - 1) / (n - 1));
    expect(Math.abs(p.tConv! - tConv) / tConv).toBeLessThan(1e-8);
  });

  it.each(GOLDEN_NAMES)("golden %s: every grid value within its stated bound of the exact engine", (name) => {
    const pc = cloud(loadPoints(name).points_f64);
    const p = computeProfile(pc, { mode: "large" });
    const exact = computeProfile(pc, { mode: "exact" });
    expect(Math.abs(p.tConv! - exact.tConv!) / exact.tConv!).toBeLessThan(1e-8);
    compareWithExact(pc, p);
  });

  it("a realistic ReLU cloud (n = 1000, d = 64): grid, t_conv and MagArea/T agree with the exact engine", () => {
    const pc = reluCloud(1000, 7);
    const p = computeProfile(pc, { mode: "large" });
    compareWithExact(pc, p);
    const exact = computeProfile(pc, { mode: "exact" });
    expect(Math.abs(p.tConv! - exact.tConv!) / exact.tConv!).toBeLessThan(1e-8);
    expect(Math.abs(p.magAreaScaled - exact.magAreaScaled) / exact.magAreaScaled).toBeLessThan(1e-8);
    // small t needs the most iterations; all of them are CG with a bound (estimate below Gershgorin)
    const kinds = new Set(p.solveInfo.map((s) => (s as { boundKind?: string }).boundKind));
    expect(kinds.has("estimate")).toBe(true);
    expect(kinds.has("rigorous")).toBe(true);
  });

  it("only Euclidean: another metric is a typed error naming the modes that compute it", () => {
    expect(() => computeProfile(line(5), { mode: "large", metric: "angular" })).toThrow(
      /--mode fast or --mode exact/,
    );
  });

  it("over --max-memory: cloud-over-memory-budget before any n² allocation, naming --max-points and --max-memory", () => {
    const n = 20_000;
    const need = profileMemoryNeed(n, 64, "large").bytes;
    // packed D and Z: 2 · 8 · n(n+1)/2 bytes dominate
    expect(need).toBeGreaterThan(8 * n * (n + 1));
    expect(need).toBeLessThan(8 * n * (n + 1) + 64 * 2 ** 20);
    const pc: PointCloud = { data: new Float64Array(n * 64).map((_, i) => (i * 0.618) % 1), n, d: 64 };
    globalThis.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      computeProfile(pc, { mode: "large", maxMemoryBytes: 2 ** 30, source: "big.npy" });
    } catch (e) {
      err = e;
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe("cloud-over-memory-budget");
    expect((err as InputError).message).toMatch(/big\.npy: n = 20000 .*--max-points \d+.*raise --max-memory/);
    // nothing of size n² was allocated (one packed triangle would be 1.6 GB)
    expect(grown).toBeLessThan(8 * n * 64 * 4);
    // and the n it names fits
    const fitN = (err as InputError).details?.largestFittingN as number;
    expect(() => checkMemoryBudget({ n: fitN, d: 64, mode: "large", maxMemoryBytes: 2 ** 30 })).not.toThrow();
    expect(() => checkMemoryBudget({ n: fitN + 1, d: 64, mode: "large", maxMemoryBytes: 2 ** 30 })).toThrow();
  });

  it("is not limited by one WebAssembly memory: n = 20 000 passes the check without a budget", () => {
    expect(() => checkMemoryBudget({ n: 20_000, d: 64, mode: "large" })).not.toThrow();
  });
});
