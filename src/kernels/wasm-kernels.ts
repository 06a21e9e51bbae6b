import type { DenseKernels } from "./types.js";
import { type WasmMemory, type WasmModule, wasmApi } from "./webassembly.js";

/** The exports of assembly/kernels.as (pointers are byte offsets, i32 in wasm). */
interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  rowSquaredNorms(X: number, n: number, d: number, norms: number): void;
  distancesLower(X: number, Xr: number, n: number, d: number, nr: number, D: number, rel: number): void;
  closestPairLower(D: number, n: number): number;
  lowerMinMax(D: number, n: number, out: number): void;
  expNegLower(D: number, Z: number, n: number, t: number, flush: number): number;
  expNegRowSumsLower(D: number, Z: number, n: number, t: number, flush: number, y: number): number;
  hadamardLower(Z: number, Z1: number, n: number, flush: number): number;
  hadamardRowSumsLower(Z: number, Z1: number, n: number, flush: number, y: number): number;
  lowerToF32(A: number, B: number, n: number): void;
  copyLower64(A: number, B: number, n: number): void;
  symvLower64(A: number, n: number, x: number, y: number): void;
  symvLower32(A: number, n: number, x: number, y: number): void;
  quadDZ(D: number, Z: number, n: number, w: number): number;
  cholesky64(A: number, n: number, nb: number): number;
  cholesky32(A: number, n: number, nb: number): number;
  solveLower64(L: number, n: number, b: number): void;
  solveLowerT64(L: number, n: number, b: number): void;
  solveLower32(L: number, n: number, b: number): void;
  solveLowerT32(L: number, n: number, b: number): void;
}

const PAGE = 65536;

/** Instantiate the kernels synchronously from the module's bytes (one instance = one memory). */
export function instantiateWasmKernels(module: WasmModule): DenseKernels {
  const api = wasmApi();
  if (api === null) throw new Error("WebAssembly is not available in this runtime");
  const instance = new api.Instance(module, {});
  const e = instance.exports as unknown as KernelExports;
  const heapBase = (e.heapBase() + 15) & ~15;
  return {
    kind: "wasm",
    heapBase,
    buffer: () => e.memory.buffer,
    growTo(bytes: number) {
      const have = e.memory.buffer.byteLength;
      if (bytes <= have) return;
      e.memory.grow(Math.ceil((bytes - have) / PAGE));
    },
    rowSquaredNorms: e.rowSquaredNorms,
    distancesLower: e.distancesLower,
    closestPairLower: e.closestPairLower,
    lowerMinMax: e.lowerMinMax,
    expNegLower: e.expNegLower,
    expNegRowSumsLower: e.expNegRowSumsLower,
    hadamardLower: e.hadamardLower,
    hadamardRowSumsLower: e.hadamardRowSumsLower,
    lowerToF32: e.lowerToF32,
    copyLower64: e.copyLower64,
    symvLower64: e.symvLower64,
    symvLower32: e.symvLower32,
    quadDZ: e.quadDZ,
    cholesky64: e.cholesky64,
    cholesky32: e.cholesky32,
    solveLower64: e.solveLower64,
    solveLowerT64: e.solveLowerT64,
    solveLower32: e.solveLower32,
    solveLowerT32: e.solveLowerT32,
  };
}
