/**
 * The fast engine against the exact one and magnipy on the golden clouds (fast-vs-exact-cases.ts), with
 * the fused multiply-add kernels (kernels-fma.wasm) that the CLI runs: relaxed SIMD turned on in this
 * file's own process, as src/cli/main.ts does.
 */
import { describe, expect, it } from "vitest";
import { defaultWasmVariant } from "../../src/kernels/loader.js";
import { enableRelaxedSimd } from "../../src/kernels/relaxed-simd.js";
import { fastVsExactCases } from "./fast-vs-exact-cases.js";

delete process.env.MAGTRACK_WASM_FMA; // a plain-kernels file run before this one in the same process set it
enableRelaxedSimd();

describe("kernels of this file", () => {
  it("are the fma build", () => expect(defaultWasmVariant()).toBe("fma"));
});

fastVsExactCases("fma kernels");
