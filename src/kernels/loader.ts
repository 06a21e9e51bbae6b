import { createTsKernels } from "./ts-kernels.js";
import type { DenseKernels } from "./types.js";
import { instantiateWasmKernels } from "./wasm-kernels.js";
import { type WasmModule, wasmApi } from "./webassembly.js";

/**
 * Finds and compiles dist/kernels/kernels.wasm (built by `npm run build:wasm`) synchronously.
 * Works from the TypeScript sources (src/kernels → ../../dist/kernels) and from the build output
 * (dist/src/kernels → ../../kernels). No static `node:` import: the file system is reached through
 * process.getBuiltinModule (Node ≥ 20.16), so the module still loads where there is none and the
 * caller falls back to the TypeScript kernels.
 */
const CANDIDATES = ["../../dist/kernels/kernels.wasm", "../../kernels/kernels.wasm"];

let cachedModule: WasmModule | null | undefined;
let moduleProblem = "";

export function wasmModule(): WasmModule | null {
  if (cachedModule !== undefined) return cachedModule;
  cachedModule = null;
  const fs = nodeFs();
  const api = wasmApi();
  if (fs === null || api === null) {
    moduleProblem = "no file system or no WebAssembly in this runtime";
    return null;
  }
  for (const rel of CANDIDATES) {
    const url = new URL(rel, import.meta.url);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(url);
    } catch {
      continue;
    }
    try {
      const compiled = new api.Module(bytes);
      cachedModule = compiled;
      return compiled;
    } catch (err) {
      moduleProblem = `${url.pathname} did not compile: ${(err as Error).message}`;
      return null;
    }
  }
  moduleProblem = "kernels.wasm not found (run `npm run build:wasm`)";
  return null;
}

/** Why wasmModule() returned null ("" when it did not). */
export function wasmProblem(): string {
  return moduleProblem;
}

function nodeFs(): { readFileSync(p: URL): Uint8Array } | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== "function") return null;
  return (get("node:fs") as { readFileSync(p: URL): Uint8Array }) ?? null;
}

/**
 * A fresh kernel instance with its own memory: WebAssembly when available, unless
 * MAGTRACK_KERNELS=ts asks for the TypeScript fallback; `prefer` overrides both.
 */
export function createKernels(prefer?: "wasm" | "ts"): DenseKernels {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const want = prefer ?? (env?.MAGTRACK_KERNELS === "ts" ? "ts" : "wasm");
  if (want === "wasm") {
    const mod = wasmModule();
    if (mod !== null) return instantiateWasmKernels(mod);
  }
  return createTsKernels();
}
