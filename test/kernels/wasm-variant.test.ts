/**
 * Which wasm kernels a process gets (src/kernels/loader.ts): kernels-fma.wasm once relaxed SIMD is on
 * (Node 20: enableRelaxedSimd(), which the CLI calls at start), kernels.wasm before that or with
 * MAGTRACK_WASM_FMA=off; and the CLI's own process runs the fma variant.
 */
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { defaultWasmVariant, wasmModule } from "../../src/kernels/loader.js";
import { enableRelaxedSimd, hasRelaxedSimd } from "../../src/kernels/relaxed-simd.js";

const builtBefore = wasmModule("plain") !== null;
const relaxedAtStart = hasRelaxedSimd();

afterEach(() => {
  delete process.env.MAGTRACK_WASM_FMA;
});

describe.skipIf(!builtBefore)("wasm kernel variant", () => {
  it("plain until relaxed SIMD is on (a failed fma compile is not remembered), fma after", () => {
    if (!relaxedAtStart) {
      expect(defaultWasmVariant()).toBe("plain");
      expect(wasmModule("fma")).toBeNull();
    }
    expect(enableRelaxedSimd()).toBe(true);
    expect(hasRelaxedSimd()).toBe(true);
    expect(wasmModule("fma")).not.toBeNull();
    expect(defaultWasmVariant()).toBe("fma");
  });

  it("MAGTRACK_WASM_FMA=off keeps the plain kernels", () => {
    enableRelaxedSimd();
    process.env.MAGTRACK_WASM_FMA = "off";
    expect(defaultWasmVariant()).toBe("plain");
  });

  it("a fresh node process (Node 20: no flag) turns relaxed SIMD on through enableRelaxedSimd, not before", () => {
    const script = [
      'import { hasRelaxedSimd, enableRelaxedSimd } from "./src/kernels/relaxed-simd.ts";',
      "const before = hasRelaxedSimd();",
      "console.log(JSON.stringify({ before, after: enableRelaxedSimd(), v8: process.versions.v8 }));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      cwd: new URL("../..", import.meta.url).pathname,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { before: boolean; after: boolean; v8: string };
    // V8 ships relaxed SIMD on from 11.4 (Node 22); Node 20's 11.3 has it behind the flag
    const major = Number(out.v8.split(".")[0]);
    const minor = Number(out.v8.split(".")[1]);
    expect(out.before).toBe(major > 11 || (major === 11 && minor >= 4));
    expect(out.after).toBe(true);
  });
});
