/**
 * Relaxed SIMD (the WebAssembly proposal, standard since Wasm 3.0) gives kernels-fma.wasm its fused
 * multiply-add (src/kernels/loader.ts). V8 ships it on by default from 11.4 (Node ≥ 22); Node 20's
 * V8 11.3 has the complete implementation behind --experimental-wasm-relaxed-simd. V8 flags are
 * process-wide, so only the process's owner (the CLI, at start, before any kernel compiles) turns it
 * on; a library user can call this too, or start node with the flag.
 */

/**
 * (module (func (param v128 v128 v128) (result v128)
 *   local.get 0 local.get 1 local.get 2 f64x2.relaxed_madd))   ;; opcode 0xfd 0x107
 */
const PROBE = hexBytes(
  [
    "0061736d01000000", // magic, version 1
    "01080160037b7b7b017b", // type section: one type, (v128 v128 v128) → v128
    "03020100", // function section: one function, of type 0
    "0a0d010b00200020012002fd87020b", // code section: its body, ending in f64x2.relaxed_madd
  ].join(""),
);

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
    Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
}

const FLAG = "--experimental-wasm-relaxed-simd";

/** True when this runtime compiles relaxed SIMD. */
export function hasRelaxedSimd(): boolean {
  const api = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
  return api?.validate(PROBE) ?? false;
}

/**
 * Makes relaxed SIMD available when the runtime has it behind FLAG (Node 20); true when it is
 * available afterwards. Nothing else changes: the flag only enables that proposal's opcodes.
 */
export function enableRelaxedSimd(): boolean {
  if (hasRelaxedSimd()) return true;
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  const v8 = typeof get === "function" ? (get("node:v8") as { setFlagsFromString(f: string): void }) : null;
  v8?.setFlagsFromString(FLAG);
  return hasRelaxedSimd();
}
