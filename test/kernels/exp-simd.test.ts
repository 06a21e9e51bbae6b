/**
 * The wasm kernel's vectorised exp (exp2Lanes in src/kernels/assembly/kernels.as, used by expNegLower)
 * against Math.exp (V8's fdlibm port, < 1 ulp): relative error ≤ 2^-51 (2 ulp at the top of a binade) on
 * 10⁶ arguments spread over [−700, 0] plus the edges (0, a subnormal, arguments past −708 that take the
 * scalar path), and the flush and the returned sum. Measured 1.0 ulp at worst.
 */
import { describe, expect, it } from "vitest";
import { KernelArena } from "../../src/kernels/arena.js";
import { createKernels, wasmModule } from "../../src/kernels/loader.js";
import { enableRelaxedSimd } from "../../src/kernels/relaxed-simd.js";

const hasWasm = wasmModule("plain") !== null;
// kernels-fma.wasm fuses the exp's polynomial and its argument reduction (madd64): checked the same way
const fmaRuns = enableRelaxedSimd() && wasmModule("fma") !== null;
const variants = hasWasm
  ? fmaRuns
    ? (["plain", "fma"] as const)
    : (["plain"] as const)
  : ([undefined] as const);
if (!hasWasm)
  console.warn(
    "exp-simd.test.ts: no wasm kernels built (npm run build:wasm); this test checks the TS fallback only",
  );

describe.each(variants)("expNegLower's exp (wasm %s)", (variant) => {
  it("is within 2 ulp of Math.exp on 10⁶ arguments in [−700, 0], exact at 0 and flushed below the threshold", () => {
    const k = createKernels(hasWasm ? "wasm" : "ts", variant);
    const a = new KernelArena(k);
    const n = 1415; // n(n−1)/2 ≈ 10⁶ lower entries
    const pD = a.reserve64(n * n);
    const pZ = a.reserve64(n * n);
    a.commit();
    const D = a.f64(pD, n * n);
    // arguments: a quasi-random spread over [0, 700] (golden-ratio sequence), some at the edges
    let u = 0.5;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        u = (u + 0.6180339887498949) % 1;
        D[i * n + j] = 700 * u ** 3; // dense near 0, where magnitude lives
      }
    }
    // the edges: 0, a subnormal, a tiny normal, the clamp's end
    D[1 * n + 0] = 0;
    D[2 * n + 0] = 5e-324;
    D[2 * n + 1] = 1e-300;
    D[3 * n + 0] = 700;
    D[3 * n + 1] = 720; // below −708: the pair goes through Math.exp (a subnormal result)
    D[3 * n + 2] = 800; // exp(−800) = 0 in f64
    const sum = k.expNegLower(pD, pZ, n, 1, 0);
    const Z = a.f64(pZ, n * n);
    let worst = 0;
    let refSum = 0;
    for (let i = 0; i < n; i++) {
      expect(Z[i * n + i]).toBe(1);
      for (let j = 0; j < i; j++) {
        const want = Math.exp(-D[i * n + j]!);
        refSum += want;
        // past −708 both sides are Math.exp (subnormal or 0): equal
        if (D[i * n + j]! > 708) expect(Z[i * n + j]).toBe(want);
        else worst = Math.max(worst, Math.abs(Z[i * n + j]! - want) / want);
      }
    }
    expect(Z[1 * n + 0]).toBe(1); // exp(−0)
    expect(worst).toBeLessThanOrEqual(2 ** -51);
    // two recursive sums of m positive terms in different orders (lanes, then rows): each within
    // (m − 1)·u of the exact sum, u = 2^-53, plus 2 ulp per term of exp
    const m = (n * (n - 1)) / 2;
    expect(Math.abs(sum - refSum) / refSum).toBeLessThan(2 * (m - 1) * 2 ** -53 + 2 ** -51);
    expect(Z[3 * n + 0]).toBeGreaterThan(0);
    expect(Z[3 * n + 1]).toBeGreaterThan(0); // exp(−720), subnormal
    expect(Z[3 * n + 2]).toBe(0);
    // the flush: exp(−700) ≈ 9.9e−305 kept at threshold 0 (above), exactly 0 at 1e−20
    k.expNegLower(pD, pZ, n, 1, 1e-20);
    expect(Z[3 * n + 0]).toBe(0);
    let below = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) if (Math.exp(-D[i * n + j]!) < 1e-20) below += Z[i * n + j] === 0 ? 0 : 1;
    expect(below).toBe(0);
  });
});
