/**
 * Issue 18: a cloud over the memory budget is refused with a typed error before anything of size n²
 * is allocated, and the estimate the refusal rests on matches what the fast workspace really takes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { maxMemoryFromArgs, parseByteSize } from "../../src/cli/options.js";
import { InputError } from "../../src/core/errors.js";
import { FastWorkspace } from "../../src/core/fast/workspace.js";
import {
  checkMemoryBudget,
  fastWorkspaceBytes,
  largestFittingN,
  MAX_WASM_MEMORY,
  profileMemoryNeed,
} from "../../src/core/memory-budget.js";
import { computeProfile } from "../../src/core/profile.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";

/** n points on a line at 0, 1, 2, … (distinct, cheap to build). */
function line(n: number, d = 2): { data: Float64Array; n: number; d: number } {
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) data[i * d] = i;
  return { data, n, d };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("memory budget (issue 18)", () => {
  it("refuses a cloud over the budget with a typed error that names it, n, the bytes and the flags", () => {
    const cloud = line(3000);
    const need = profileMemoryNeed(3000, 2, "fast").bytes;
    // 3000² doubles = 72 MB for D alone: the estimate is at least the n² matrices it lists
    expect(need).toBeGreaterThanOrEqual((8 + 28) * 3000 * 3000);
    let err: unknown;
    try {
      computeProfile(cloud, { maxMemoryBytes: 16 * 2 ** 20, source: "probe.npy" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.code).toBe("cloud-over-memory-budget");
    expect(e.message).toContain("probe.npy");
    expect(e.message).toContain("n = 3000");
    expect(e.message).toContain("--max-points");
    expect(e.message).toContain("--max-memory");
    expect(e.details?.neededBytes).toBe(need);
    // the suggested n really fits and n + 1 does not
    const fitN = e.details?.largestFittingN as number;
    expect(profileMemoryNeed(fitN, 2, "fast").bytes).toBeLessThanOrEqual(16 * 2 ** 20);
    expect(profileMemoryNeed(fitN + 1, 2, "fast").bytes).toBeGreaterThan(16 * 2 ** 20);
    expect(fitN).toBeLessThan(3000);
  });

  it("allocates nothing large before refusing (ArrayBuffer memory grows by far less than one n² matrix)", () => {
    const n = 4000; // one n×n f64 matrix would be 128 MB
    const cloud = line(n);
    globalThis.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    for (let k = 0; k < 5; k++) {
      expect(() => computeProfile(cloud, { maxMemoryBytes: 2 ** 20, source: "x" })).toThrow(
        /cloud-over-memory-budget|over --max-memory/,
      );
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan((8 * n * n) / 16);
  });

  it("lets a cloud under the budget through, and the same cloud over it fails only by the budget", () => {
    const cloud = line(40);
    const need = profileMemoryNeed(40, 2, "fast").bytes;
    const p = computeProfile(cloud, { maxMemoryBytes: need, nScales: 5 });
    // sorted points on a line, gaps 1: Mag(tX) = 1 + 39·tanh(t/2) (MATH.md closed form)
    const t = p.scales[4]!;
    expect(Math.abs(p.magnitude[4]! - (1 + 39 * Math.tanh(t / 2)))).toBeLessThan(1e-9 * 40);
    expect(() => computeProfile(cloud, { maxMemoryBytes: need - 1, nScales: 5 })).toThrow(InputError);
  });

  it("the exact engine's estimate is its own (no kernel workspace)", () => {
    const exact = profileMemoryNeed(1000, 64, "exact");
    expect(exact.parts.kernelWorkspace).toBeUndefined();
    expect(exact.bytes).toBe(16 * 1000 * 1000 + 16 * 1000 * 64);
  });

  it("the fast estimate covers what FastWorkspace really commits (within one wasm page)", () => {
    for (const [n, d] of [
      [300, 5],
      [777, 64],
    ] as const) {
      const ws = new FastWorkspace(n, d, "wasm");
      const committed = ws.k.buffer().byteLength - ws.k.heapBase;
      expect(committed).toBeLessThanOrEqual(fastWorkspaceBytes(n, d) + 65536);
      // and does not overstate it by more than the vector slack
      expect(fastWorkspaceBytes(n, d) - committed).toBeLessThan(16 * 16 + 65536);
    }
  });

  it("refuses a fast workspace larger than one WebAssembly memory even without a budget", () => {
    // 28·n² > 4 GiB from n ≈ 12 400 on
    const n = 13_000;
    expect(fastWorkspaceBytes(n, 64)).toBeGreaterThan(MAX_WASM_MEMORY);
    let err: unknown;
    try {
      checkMemoryBudget({ n, d: 64, mode: "fast", source: "big.npy" });
    } catch (e) {
      err = e;
    }
    expect((err as InputError).code).toBe("cloud-too-large");
    expect((err as InputError).message).toMatch(/big\.npy.*n = 13000.*--max-points \d+.*--mode large/);
    const fitN = (err as InputError).details?.largestFittingN as number;
    expect(fastWorkspaceBytes(fitN, 64)).toBeLessThanOrEqual(MAX_WASM_MEMORY);
    expect(fastWorkspaceBytes(fitN + 1, 64)).toBeGreaterThan(MAX_WASM_MEMORY);
    // the exact engine has no wasm limit, only the budget
    expect(() => checkMemoryBudget({ n, d: 64, mode: "exact" })).not.toThrow();
    expect(largestFittingN(Number.POSITIVE_INFINITY, 64, "exact")).toBeGreaterThan(n);
  });

  it("over the budget AND over one wasm memory: says that raising --max-memory alone will not do", () => {
    let err: unknown;
    try {
      checkMemoryBudget({ n: 20_000, d: 64, mode: "fast", maxMemoryBytes: 8 * 2 ** 30, source: "w.npy" });
    } catch (e) {
      err = e;
    }
    expect((err as InputError).code).toBe("cloud-over-memory-budget");
    // --mode large needs 8·n(n+1) (packed D and Z) + 16·n·d + 48·n + 8·2^20 bytes = 3.01 GiB at
    // n = 20 000, d = 64: within the 8 GiB, so it is named without "with a larger --max-memory"
    expect((err as InputError).message).toMatch(/--mode large \(no such limit, about 3\.01 GiB/);
    expect((err as InputError).message).not.toMatch(/raise --max-memory|with a larger/);
  });

  it("--max-memory sizes parse; the default is half of the machine's RAM", () => {
    expect(parseByteSize("512M", "max-memory")).toBe(512 * 2 ** 20);
    expect(parseByteSize("8GiB", "max-memory")).toBe(8 * 2 ** 30);
    expect(parseByteSize("1.5g", "max-memory")).toBe(1.5 * 2 ** 30);
    expect(parseByteSize("4096", "max-memory")).toBe(4096);
    expect(() => parseByteSize("lots", "max-memory")).toThrow(/--max-memory "lots"/);
    expect(() => parseByteSize("0", "max-memory")).toThrow(/--max-memory/);
    expect(maxMemoryFromArgs(undefined, 24 * 2 ** 30)).toBe(12 * 2 ** 30);
  });

  it("compute --max-memory: the file is refused with the typed error, others still computed, exit 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-large-"));
    dirs.push(dir);
    const big = line(3000);
    await writeFile(join(dir, "big.npy"), encodeNpy(big.data, [3000, 2]));
    await writeFile(join(dir, "small.npy"), encodeNpy(Float64Array.from([0, 0, 3, 4]), [2, 2]));
    const out = await cli(
      ["compute", "big.npy", "small.npy", "--max-points", "100000", "--max-memory", "16M"],
      {
        cwd: dir,
      },
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /big\.npy: n = 3000 points .* over --max-memory 16\.0 MiB.*\[cloud-over-memory-budget\]/,
    );
    expect(out.stderr).not.toContain("unexpected error");
    const row = out.stdout.split("\n").find((l) => l.startsWith("small.npy"))!;
    // two points at distance 5: t_conv = ln(19)/5
    expect(Number(row.split(/\s+/)[3])).toBeCloseTo(Math.log(19) / 5, 5);
  });
});
