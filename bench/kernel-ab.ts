/**
 * What the kernel A/B benches (symv-kernel.ts, trisolve-kernel.ts) share: their command line
 * (--sizes, --reps, --against <kernels.wasm of another build>), this build's kernels file, a kernel
 * instance from a .wasm file, the median of timings and the machine's load.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { DenseKernels } from "../src/kernels/types.js";
import { instantiateWasmKernels } from "../src/kernels/wasm-kernels.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

/** --sizes (comma-separated, default `defaultSizes`), --reps (default 200), --against ("" when absent). */
export function kernelBenchArgs(defaultSizes: string): { sizes: number[]; reps: number; against: string } {
  return {
    sizes: arg("sizes", defaultSizes).split(",").map(Number),
    reps: Number(arg("reps", "200")),
    against: arg("against", ""),
  };
}

/** This build's plain kernels (npm run build:wasm). */
export const OWN_KERNELS = fileURLToPath(new URL("../dist/kernels/kernels.wasm", import.meta.url));

export function kernelsFrom(file: string): DenseKernels {
  return instantiateWasmKernels(new WebAssembly.Module(readFileSync(file)));
}

export const median = (a: number[]) => a.slice().sort((p, q) => p - q)[a.length >> 1]!;

/** The 1, 5 and 15 minute load averages. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
