import { InputError } from "../core/errors.js";
import { type DenseKernels, MAX_KERNEL_MEMORY } from "./types.js";

/**
 * A bump allocator over one kernel memory. Reserve every block first, then `commit()` grows the
 * memory once (bounded by MAX_KERNEL_MEMORY) and views are taken afterwards, so no view is
 * detached by a later growth. `reset()` frees everything for the next problem.
 */
export class KernelArena {
  private top: number;
  constructor(
    readonly kernels: DenseKernels,
    private readonly limitBytes = MAX_KERNEL_MEMORY,
  ) {
    this.top = kernels.heapBase;
  }

  reset(): void {
    this.top = this.kernels.heapBase;
  }

  /** Reserve `count` float64 slots; returns the byte offset (16-aligned). */
  reserve64(count: number): number {
    return this.reserve(count * 8);
  }

  reserve32(count: number): number {
    return this.reserve(count * 4);
  }

  private reserve(bytes: number): number {
    const at = this.top;
    // 16-byte alignment in float arithmetic: `& ~15` would truncate to int32 and wrap past 2 GiB
    // (a 2.3 GB workspace then committed a few MB and every view failed: issue 18)
    this.top = Math.ceil((at + bytes) / 16) * 16;
    if (!Number.isSafeInteger(this.top) || this.top > this.limitBytes) {
      throw new InputError(
        "cloud-too-large",
        `kernel memory: this problem needs more than ${Math.round(this.limitBytes / 2 ** 20)} MiB ` +
          "(n×n matrices); reduce the number of points",
        { details: { requestedBytes: this.top } },
      );
    }
    return at;
  }

  commit(): void {
    this.kernels.growTo(this.top);
  }

  f64(ptr: number, count: number): Float64Array {
    return new Float64Array(this.kernels.buffer(), ptr, count);
  }

  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.kernels.buffer(), ptr, count);
  }
}
