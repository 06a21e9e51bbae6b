/**
 * Issue 18: the kernel arena's 16-byte alignment used `& ~15`, which truncates to int32: past 2 GiB the
 * top wrapped, commit() grew the memory by a few MB and the first view threw "Invalid typed array
 * length" (n = 8000). Checked with a kernels object that only records growTo (nothing is allocated).
 */
import { describe, expect, it } from "vitest";
import { KernelArena } from "../../src/kernels/arena.js";
import type { DenseKernels } from "../../src/kernels/types.js";
import { MAX_KERNEL_MEMORY } from "../../src/kernels/types.js";

function recordingKernels(): { kernels: DenseKernels; grown: number[] } {
  const grown: number[] = [];
  const kernels = {
    kind: "ts",
    heapBase: 1024,
    buffer: () => new ArrayBuffer(0),
    growTo: (bytes: number) => grown.push(bytes),
  } as unknown as DenseKernels;
  return { kernels, grown };
}

describe("kernel arena offsets past 2 GiB", () => {
  it("keeps offsets exact and 16-aligned beyond 2^31 and commits the full size", () => {
    const { kernels, grown } = recordingKernels();
    const a = new KernelArena(kernels);
    const n = 8000;
    const offsets = [1, 2, 3, 4, 5].map(() => a.reserve64(n * n));
    offsets.push(a.reserve64(n));
    // each n×n f64 block is 512 000 000 bytes (a multiple of 16): offsets step by exactly that
    expect(offsets).toEqual([0, 1, 2, 3, 4, 5].map((k) => 1024 + k * 512e6));
    expect(offsets[5]).toBeGreaterThan(2 ** 31);
    const odd = a.reserve32(3); // 12 bytes → the next block starts 16 bytes later
    expect(a.reserve64(1) - odd).toBe(16);
    a.commit();
    expect(grown).toEqual([1024 + 2560e6 + 8 * n + 16 + 16]);
  });

  it("refuses past the 4 GiB wasm limit with a typed error (no wrap-around)", () => {
    const { kernels } = recordingKernels();
    const a = new KernelArena(kernels);
    a.reserve64(2 ** 28); // 2 GiB
    expect(() => a.reserve64(2 ** 28)).toThrow(/kernel memory/);
    expect(MAX_KERNEL_MEMORY).toBe(4 * 1024 ** 3 - 65536);
  });
});
