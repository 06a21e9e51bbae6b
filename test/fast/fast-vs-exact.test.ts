/** The fast engine against the exact one and magnipy on the golden clouds (fast-vs-exact-cases.ts), plain wasm kernels. */
import { describe, expect, it } from "vitest";
import { defaultWasmVariant } from "../../src/kernels/loader.js";
import { fastVsExactCases } from "./fast-vs-exact-cases.js";

process.env.MAGTRACK_WASM_FMA = "off";

describe("kernels of this file", () => {
  it("are the plain build", () => expect(defaultWasmVariant()).toBe("plain"));
});

fastVsExactCases("plain kernels");
