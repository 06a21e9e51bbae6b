import { hasRelaxedSimd } from "./relaxed-simd.js";
import { createTsKernels } from "./ts-kernels.js";
import type { DenseKernels } from "./types.js";
import { instantiateWasmKernels } from "./wasm-kernels.js";
import { type WasmModule, wasmApi } from "./webassembly.js";

/**
 * Finds and compiles the kernels built by `npm run build:wasm` synchronously, in two variants of one
 * source (src/kernels/assembly/kernels.as):
 * - "fma": dist/kernels/kernels-fma.wasm, built with relaxed SIMD, whose madd64 is one fused
 *   multiply-add on machines that have one: the mat-vec ≈ 13 % and the exp pass ≈ 11 % faster at
 *   n = 1000 (bench/symv-kernel.ts, bench/README.md). It compiles where the runtime has relaxed SIMD:
 *   Node ≥ 22 by default, Node 20 after enableRelaxedSimd() (src/kernels/relaxed-simd.ts; the CLI
 *   calls it at start).
 * - "plain": dist/kernels/kernels.wasm, SIMD only, every operation rounded as written (the bits the
 *   kernel tests pin).
 * The default takes "fma" when it compiles, else "plain"; MAGTRACK_WASM_FMA=off asks for "plain".
 * Works from the TypeScript sources (src/kernels → ../../dist/kernels) and from the build output
 * (dist/src/kernels → ../../kernels). No static `node:` import: the file system is reached through
 * process.getBuiltinModule (Node ≥ 20.16), so the module still loads where there is none and the
 * caller falls back to the TypeScript kernels.
 */
const FOLDERS = ["../../dist/kernels/", "../../kernels/"];
const FILES = { fma: "kernels-fma.wasm", plain: "kernels.wasm" } as const;
export type WasmVariant = keyof typeof FILES;

const cachedModules = new Map<WasmVariant, WasmModule | null>();
const problems = new Map<WasmVariant, string>();

/** The compiled module of `variant` (default: defaultWasmVariant()), or null (wasmProblem says why). */
export function wasmModule(variant: WasmVariant = defaultWasmVariant()): WasmModule | null {
  const cached = cachedModules.get(variant);
  if (cached !== undefined) return cached;
  if (variant === "fma" && !hasRelaxedSimd()) {
    // not cached: enableRelaxedSimd() may still turn it on
    problems.set(variant, "this runtime has no relaxed SIMD (Node 20: enableRelaxedSimd())");
    return null;
  }
  const compiled = compileVariant(variant);
  cachedModules.set(variant, compiled);
  return compiled;
}

/** "fma" when its module compiles here and MAGTRACK_WASM_FMA is not "off", else "plain". */
export function defaultWasmVariant(): WasmVariant {
  if (env()?.MAGTRACK_WASM_FMA === "off") return "plain";
  return wasmModule("fma") === null ? "plain" : "fma";
}

/** Why wasmModule(variant) returned null ("" when it did not). */
export function wasmProblem(variant: WasmVariant = "plain"): string {
  return problems.get(variant) ?? "";
}

function compileVariant(variant: WasmVariant): WasmModule | null {
  const fs = nodeFs();
  const api = wasmApi();
  if (fs === null || api === null) {
    problems.set(variant, "no file system or no WebAssembly in this runtime");
    return null;
  }
  for (const folder of FOLDERS) {
    const url = new URL(folder + FILES[variant], import.meta.url);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(url);
    } catch {
      continue;
    }
    try {
      return new api.Module(bytes);
    } catch (err) {
      problems.set(variant, `${url.pathname} did not compile: ${(err as Error).message}`);
      return null;
    }
  }
  problems.set(variant, `${FILES[variant]} not found (run \`npm run build:wasm\`)`);
  return null;
}

function env(): Record<string, string | undefined> | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
}

function nodeFs(): { readFileSync(p: URL): Uint8Array } | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== "function") return null;
  return (get("node:fs") as { readFileSync(p: URL): Uint8Array }) ?? null;
}

/**
 * A fresh kernel instance with its own memory: WebAssembly when available (the default variant, or
 * `variant`), unless MAGTRACK_KERNELS=ts asks for the TypeScript fallback; `prefer` overrides both.
 */
export function createKernels(prefer?: "wasm" | "ts", variant?: WasmVariant): DenseKernels {
  const want = prefer ?? (env()?.MAGTRACK_KERNELS === "ts" ? "ts" : "wasm");
  if (want === "wasm") {
    const mod = wasmModule(variant);
    if (mod !== null) return instantiateWasmKernels(mod);
  }
  return createTsKernels();
}
