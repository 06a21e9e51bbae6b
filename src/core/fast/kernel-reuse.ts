import { createKernels } from "../../kernels/loader.js";
import type { DenseKernels } from "../../kernels/types.js";

/**
 * One kernel instance (one WebAssembly memory) per thread and kernel kind, handed from workspace to
 * workspace (issue 16: start-up costs once per process/worker, not per file). A fresh memory costs
 * more than the work on it: the first touch of each page faults, measured on this machine ≈ 50 ms per
 * 8 MB (n = 1000: D, Z, Z_step and the f32 factor are 28 MB, ≈ 170 ms per cloud, against ≈ 7 ms for
 * the same exp passes over memory already mapped). The memory grows to the largest cloud seen and is
 * never shrunk (WebAssembly memories cannot shrink): a thread keeps its peak workspace.
 *
 * A new lease takes the memory away from the previous holder, which is told through `revoke()` and must
 * not touch it again (the fast engine then rebuilds its workspace from the distance matrix; src/core/fast/engine.ts).
 */
export interface KernelHolder {
  revoke(): void;
}

const leases = new Map<string, { kernels: DenseKernels; holder: KernelHolder | null }>();

export function leaseKernels(holder: KernelHolder, prefer?: "wasm" | "ts"): DenseKernels {
  const key = prefer ?? "default";
  let lease = leases.get(key);
  if (lease === undefined) {
    lease = { kernels: createKernels(prefer), holder: null };
    leases.set(key, lease);
  }
  if (lease.holder !== null && lease.holder !== holder) lease.holder.revoke();
  lease.holder = holder;
  return lease.kernels;
}
