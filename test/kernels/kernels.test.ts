import { describe, expect, it } from "vitest";
import { KernelArena } from "../../src/kernels/arena.js";
import { createKernels, wasmModule, wasmProblem } from "../../src/kernels/loader.js";
import { enableRelaxedSimd } from "../../src/kernels/relaxed-simd.js";
import { createTsKernels } from "../../src/kernels/ts-kernels.js";
import type { DenseKernels } from "../../src/kernels/types.js";

/** The golden generator (MATH.md): x ← (1103515245·x + 12345) mod 2^31, u = x / 2^31. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function cloud(n: number, d: number, seed: number, scale = 1): Float64Array {
  const u = lcg(seed);
  return Float64Array.from({ length: n * d }, () => scale * u());
}

function directDistance(X: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += (X[i * d + c] - X[j * d + c]) ** 2;
  return Math.sqrt(s);
}

/** Magnitude via the kernels: distances → exp → Cholesky → two triangular solves → Σw. */
function magnitudeVia(k: DenseKernels, X: Float64Array, n: number, d: number, t: number) {
  const a = new KernelArena(k);
  const p = {
    X: a.reserve64(n * d),
    norms: a.reserve64(n),
    D: a.reserve64(n * n),
    Z: a.reserve64(n * n),
    L: a.reserve64(n * n),
    w: a.reserve64(n),
    y: a.reserve64(n),
  };
  a.commit();
  a.f64(p.X, n * d).set(X);
  k.rowSquaredNorms(p.X, n, d, p.norms);
  k.distancesLower(p.X, p.X, n, d, p.norms, p.D, 1e-2);
  k.expNegLower(p.D, p.Z, n, t, 1e-20);
  k.copyLower64(p.Z, p.L, n);
  const status = k.cholesky64(p.L, n, 64);
  a.f64(p.w, n).fill(1);
  k.solveLower64(p.L, n, p.w);
  k.solveLowerT64(p.L, n, p.w);
  k.symvLower64(p.Z, n, p.w, p.y);
  const w = a.f64(p.w, n);
  const y = a.f64(p.y, n);
  let residual = 0;
  for (let i = 0; i < n; i++) residual = Math.max(residual, Math.abs(1 - y[i]));
  return { status, mag: w.reduce((s, v) => s + v, 0), residual, D: a.f64(p.D, n * n).slice() };
}

// Both wasm variants (src/kernels/loader.ts): "plain" and, with relaxed SIMD on (this test file's own
// process: vitest runs each file in its own fork), "fma"; and the TypeScript fallback.
const fmaRuns = enableRelaxedSimd() && wasmModule("fma") !== null;
const kinds: Array<readonly [string, () => DenseKernels]> = [["ts", () => createTsKernels()]];
if (wasmModule("plain") !== null) {
  kinds.unshift(["wasm (plain)", () => createKernels("wasm", "plain")]);
  if (fmaRuns) kinds.unshift(["wasm (fma)", () => createKernels("wasm", "fma")]);
} else
  console.warn(
    `kernels test: WebAssembly kernels unavailable (${wasmProblem()}); testing the TS fallback only`,
  );

describe("kernel build", () => {
  it("both WebAssembly modules were built by `npm run build`; the fma one loads once relaxed SIMD is on", () => {
    expect(wasmProblem("plain")).toBe("");
    expect(createKernels("wasm", "plain").kind).toBe("wasm");
    expect(fmaRuns, wasmProblem("fma")).toBe(true);
  });
});

describe.each(kinds)("%s kernels", (_kind, make) => {
  it("distances match the direct formula, including near-duplicates recomputed without cancellation", () => {
    const n = 37;
    const d = 9;
    const X = cloud(n, d, 11, 1000); // far from the origin: the Gram trick alone would cancel
    for (let c = 0; c < d; c++) X[5 * d + c] = X[3 * d + c] + 1e-9 * (c + 1); // near-duplicate pair
    const k = make();
    const { D } = magnitudeVia(k, X, n, d, 0.001);
    for (let i = 0; i < n; i++) {
      expect(D[i * n + i]).toBe(0);
      for (let j = 0; j < i; j++) {
        const ref = directDistance(X, d, i, j);
        expect(Math.abs(D[i * n + j] - ref) / ref).toBeLessThan(1e-7);
      }
    }
    // the near-duplicate pair (≈ 1e-9·√285 apart) is recomputed from differences: full accuracy
    const near = directDistance(X, d, 5, 3);
    expect(near).toBeGreaterThan(1e-9);
    expect(Math.abs(D[5 * n + 3] - near) / near).toBeLessThan(1e-14);
  });

  it("closestPairLower: the first smallest D[i, j] (j < i) in row-major order, NaN never taken", () => {
    const k = make();
    for (const n of [0, 1, 2, 3, 8, 37]) {
      const a = new KernelArena(k);
      const pD = a.reserve64(Math.max(1, n * n));
      a.commit();
      const D = a.f64(pD, Math.max(1, n * n));
      const u = lcg(7 + n);
      for (let x = 0; x < n * n; x++) D[x] = 1 + Math.floor(10 * u());
      if (n >= 8) {
        D[6 * n + 4] = 0.5; // the minimum, twice: the earlier one in row-major order wins
        D[7 * n + 1] = 0.5;
        D[2 * n + 1] = Number.NaN; // never the minimum
        D[3 * n + 3] = 0; // diagonal, not a pair
        D[1 * n + 5] = 0; // upper triangle, not a pair
      }
      let want = -1;
      let best = Number.POSITIVE_INFINITY;
      for (let i = 1; i < n; i++)
        for (let j = 0; j < i; j++)
          if (D[i * n + j] < best) {
            best = D[i * n + j];
            want = i * n + j;
          }
      expect(k.closestPairLower(pD, n)).toBe(want);
      if (n >= 8) expect(want).toBe(6 * n + 4);
    }
  });

  it("two points: Mag = 2 / (1 + e^(−td))", () => {
    const X = Float64Array.from([0, 0, 3, 4]);
    const { mag, status } = magnitudeVia(make(), X, 2, 2, 0.7);
    expect(status).toBe(0);
    expect(Math.abs(mag - 2 / (1 + Math.exp(-0.7 * 5)))).toBeLessThan(1e-14);
  });

  it("points on a line: Mag = 1 + Σ tanh(t·gap/2)", () => {
    const n = 150;
    const u = lcg(5);
    const xs = Float64Array.from({ length: n }, () => 10 * u()).sort();
    const t = 3.1;
    let ref = 1;
    for (let i = 1; i < n; i++) ref += Math.tanh((t * (xs[i] - xs[i - 1])) / 2);
    const { mag, status, residual } = magnitudeVia(make(), xs, n, 1, t);
    expect(status).toBe(0);
    expect(residual).toBeLessThan(1e-9);
    expect(Math.abs(mag - ref) / ref).toBeLessThan(1e-9);
  });

  it("equispaced circle (homogeneous): Mag = n / Σ_j e^(−t·d(x_1, x_j)) at n = 203 (odd sizes hit every tail)", () => {
    const n = 203;
    const X = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      X[2 * k] = Math.cos((2 * Math.PI * k) / n);
      X[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
    }
    for (const t of [2, 15, 80]) {
      const { mag, status } = magnitudeVia(make(), X, n, 2, t);
      let row = 0;
      for (let j = 0; j < n; j++) row += Math.exp(-t * directDistance(X, 2, 0, j));
      expect(status).toBe(0);
      expect(Math.abs(mag - n / row) / (n / row)).toBeLessThan(1e-9);
    }
  });

  it("Cholesky reports the failing pivot of a matrix that is not positive definite", () => {
    const k = make();
    const a = new KernelArena(k);
    const n = 6;
    const p = a.reserve64(n * n);
    const q = a.reserve32(n * n);
    a.commit();
    const A = a.f64(p, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = i === j ? 1 : 0;
    A[4 * n + 4] = -1; // pivot 4 negative
    k.lowerToF32(p, q, n);
    expect(k.cholesky64(p, n, 4)).toBe(5);
    expect(k.cholesky32(q, n, 4)).toBe(5);
  });

  it("f32 Cholesky and f32 solves agree with f64 to single precision; quadDZ is wᵀ(D∘Z)w", () => {
    const n = 131;
    const d = 7;
    const k = make();
    const a = new KernelArena(k);
    const p = {
      X: a.reserve64(n * d),
      nr: a.reserve64(n),
      D: a.reserve64(n * n),
      Z: a.reserve64(n * n),
      Z1: a.reserve64(n * n),
      F: a.reserve32(n * n),
      b: a.reserve32(n),
      y: a.reserve32(n),
      w: a.reserve64(n),
    };
    a.commit();
    const X = cloud(n, d, 9);
    a.f64(p.X, n * d).set(X);
    k.rowSquaredNorms(p.X, n, d, p.nr);
    k.distancesLower(p.X, p.X, n, d, p.nr, p.D, 1e-2);
    const sum = k.expNegLower(p.D, p.Z, n, 4, 1e-20);
    // Hadamard recurrence: exp(−2D)∘exp(−2D) = exp(−4D)
    k.expNegLower(p.D, p.Z1, n, 2, 1e-20);
    const sumH = k.hadamardLower(p.Z1, p.Z1, n, 1e-20);
    expect(Math.abs(sumH - sum) / sum).toBeLessThan(1e-13);
    k.lowerToF32(p.Z, p.F, n);
    expect(k.cholesky32(p.F, n, 16)).toBe(0);
    const b = a.f32(p.b, n);
    b.fill(1);
    k.solveLower32(p.F, n, p.b);
    k.solveLowerT32(p.F, n, p.b);
    const mag32 = a.f32(p.b, n).reduce((s, v) => s + v, 0);
    const ref = magnitudeVia(createTsKernels(), X, n, d, 4).mag;
    expect(Math.abs(mag32 - ref) / ref).toBeLessThan(1e-4);
    // f32 mat-vec against f64 with the same vector
    k.lowerToF32(p.Z, p.F, n);
    a.f32(p.b, n).fill(0.5);
    k.symvLower32(p.F, n, p.b, p.y);
    const D = a.f64(p.D, n * n);
    const Zv = a.f64(p.Z, n * n);
    let row0 = 0;
    for (let j = 0; j < n; j++) row0 += 0.5 * (j === 0 ? 1 : Zv[j * n]);
    expect(Math.abs(a.f32(p.y, n)[0] - row0) / row0).toBeLessThan(1e-6);
    // quadDZ with w = 1: Σ_ij D_ij e^(−4 D_ij)
    a.f64(p.w, n).fill(1);
    let qd = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) qd += 2 * D[i * n + j] * Zv[i * n + j];
    expect(Math.abs(k.quadDZ(p.D, p.Z, n, p.w) - qd) / qd).toBeLessThan(1e-13);
  });

  it("entries below the flush threshold become exactly zero (no subnormals)", () => {
    const k = make();
    const a = new KernelArena(k);
    const n = 5;
    const pD = a.reserve64(n * n);
    const pZ = a.reserve64(n * n);
    a.commit();
    const D = a.f64(pD, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) D[i * n + j] = 10 * (i - j);
    k.expNegLower(pD, pZ, n, 5, 1e-20); // exp(−50) ≈ 2e-22 is flushed, exp(−100) too
    const Z = a.f64(pZ, n * n);
    expect(Z[n]).toBe(0);
    k.expNegLower(pD, pZ, n, 0.6, 1e-20); // exp(−6) and exp(−24) ≈ 3.8e-11 kept
    expect(Z[n]).toBeCloseTo(Math.exp(-6), 15);
    expect(Z[4 * n]).toBeGreaterThan(0);
    k.hadamardLower(pZ, pZ, n, 1e-20);
    expect(Z[n]).toBeCloseTo(Math.exp(-12), 15);
    expect(Z[4 * n]).toBe(0); // exp(−48) ≈ 1.4e-21 < 1e-20
  });
});

describe("wasm and TypeScript kernels agree", () => {
  it.skipIf(wasmModule() === null)("magnitude of an LCG cloud (n = 300, d = 10) to 1e-12 relative", () => {
    const X = cloud(300, 10, 2);
    for (const t of [0.5, 2, 10]) {
      const w = magnitudeVia(createKernels("wasm"), X, 300, 10, t);
      const s = magnitudeVia(createTsKernels(), X, 300, 10, t);
      expect(Math.abs(w.mag - s.mag) / s.mag).toBeLessThan(1e-12);
    }
  });
});

/**
 * The wasm symvLower64's summation order, written out in JS doubles (IEEE, no fused multiply-add, so
 * the same roundings): row i's dot product over pairs (j, j+1) into two lanes, lane 0 + lane 1, then
 * the odd column, y_i += s + a_ii·x_i; y_j += a_ij·x_i for j < i in ascending i. The four-row blocked
 * kernel must reproduce it bit for bit (it only changes which loop does each operation).
 */
function symvRowOrder(A: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    let l0 = 0;
    let l1 = 0;
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      l0 += A[i * n + j] * x[j];
      l1 += A[i * n + j + 1] * x[j + 1];
      y[j] += A[i * n + j] * xi;
      y[j + 1] += A[i * n + j + 1] * xi;
    }
    let s = l0 + l1;
    for (; j < i; j++) {
      s += A[i * n + j] * x[j];
      y[j] += A[i * n + j] * xi;
    }
    y[i] = y[i] + s + A[i * n + i] * xi;
  }
  return y;
}

const SYMV_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 64, 257, 1003];

/** symvLower64 on k of the LCG case for n (A in [−0.3, 0.7), x in [−0.5, 0.5)); y starts as NaN, so it must be overwritten, not accumulated into. */
function symvCase(k: DenseKernels, n: number) {
  const u = lcg(n + 17);
  const A = Float64Array.from({ length: n * n }, () => u() - 0.3);
  const x = Float64Array.from({ length: n }, () => u() - 0.5);
  const a = new KernelArena(k);
  const p = { A: a.reserve64(n * n), x: a.reserve64(n), y: a.reserve64(n) };
  a.commit();
  a.f64(p.A, n * n).set(A);
  a.f64(p.x, n).set(x);
  a.f64(p.y, n).fill(Number.NaN);
  k.symvLower64(p.A, n, p.x, p.y);
  return { A, x, got: a.f64(p.y, n).slice() };
}

/** y_i = Σ_j A_max(i,j),min(i,j) x_j on the given rows, within 4nε·Σ_j |a_ij x_j|. */
function expectSymmetricProduct(
  A: Float64Array,
  x: Float64Array,
  got: Float64Array,
  rows: readonly number[],
) {
  const n = x.length;
  for (const i of rows) {
    let s = 0;
    let mag = 0;
    for (let j = 0; j < n; j++) {
      const v = j <= i ? A[i * n + j] : A[j * n + i];
      s += v * x[j];
      mag += Math.abs(v * x[j]);
    }
    expect(Math.abs(got[i] - s), `n = ${n}, row ${i}`).toBeLessThanOrEqual(4 * n * Number.EPSILON * mag);
  }
}

describe("symvLower64 (wasm, rows in blocks of four)", () => {
  it.skipIf(wasmModule() === null)(
    "bit-identical to the row-at-a-time order for n = 1 … 13, 64, 257, 1003 (whole blocks and remainders)",
    () => {
      const k = createKernels("wasm", "plain");
      for (const n of SYMV_SIZES) {
        const { A, x, got } = symvCase(k, n);
        const want = symvRowOrder(A, n, x);
        let differing = 0;
        for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) differing++;
        expect(differing, `n = ${n}`).toBe(0);
        // and it is the symmetric product, to rounding
        expectSymmetricProduct(A, x, got, [0, n >> 1, n - 1]);
      }
    },
  );
});

describe("symvLower64 (wasm fma: c + a·b fused where the machine has an FMA)", () => {
  it.skipIf(!fmaRuns)(
    "within 4nε·Σ|a_ij x_j| of the symmetric product on every row, n = 1 … 13, 64, 257, 1003",
    () => {
      const k = createKernels("wasm", "fma");
      for (const n of SYMV_SIZES) {
        const { A, x, got } = symvCase(k, n);
        expectSymmetricProduct(
          A,
          x,
          got,
          Array.from({ length: n }, (_, i) => i),
        );
      }
    },
  );
});

/** x + y, x·y, x − y, x / y in f32 (an f64 operation on f32 values, rounded once: exact for these four). */
const f = Math.fround;

/**
 * The f32 triangular solves' row-at-a-time order (the kernels before blocking), in JS with every
 * operation rounded to f32. Forward, row i: dot32's lanes, k ≡ l (mod 8) into lane l of two f32x4
 * accumulators over k < 8·⌊i/8⌋, lanes added as (e0 + e1) + (e2 + e3) with e_l = acc0_l + acc1_l, then
 * the scalar tail k < i, then y_i = (b_i − s) / L_ii. Backward (column form), i descending:
 * x_i = b_i / L_ii, then b_j −= x_i·L_ij for j < i.
 */
function solveLower32RowOrder(L: Float32Array, n: number, b: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const acc = new Float64Array(8);
    const v = i & ~7;
    for (let k = 0; k < v; k++) acc[k & 7] = f(acc[k & 7] + f(L[i * n + k] * b[k]));
    const e = [0, 1, 2, 3].map((l) => f(acc[l] + acc[l + 4]));
    let s = f(f(e[0] + e[1]) + f(e[2] + e[3]));
    for (let k = v; k < i; k++) s = f(s + f(L[i * n + k] * b[k]));
    b[i] = f(f(b[i] - s) / L[i * n + i]);
  }
}

function solveLowerT32RowOrder(L: Float32Array, n: number, b: Float32Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const xi = f(b[i] / L[i * n + i]);
    b[i] = xi;
    for (let j = 0; j < i; j++) b[j] = f(b[j] - f(xi * L[i * n + j]));
  }
}

describe("solveLower32 / solveLowerT32 (wasm, rows in blocks of four)", () => {
  it.skipIf(wasmModule() === null)(
    "bit-identical to the row-at-a-time order for n = 1 … 13, 16, 17, 64, 257, 1003, and they solve L y = b, Lᵀ x = y",
    () => {
      // the f32 solves have no fused operations: bit-identical in both variants
      for (const variant of fmaRuns ? (["plain", "fma"] as const) : (["plain"] as const))
        for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 64, 257, 1003]) {
          const k = createKernels("wasm", variant);
          const u = lcg(n + 29);
          // a well-conditioned factor: diagonal in [1, 2], off-diagonal entries of size ≤ 0.5 / n
          const L = new Float32Array(n * n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < i; j++) L[i * n + j] = (u() - 0.5) / n;
            L[i * n + i] = 1 + u();
            for (let j = i + 1; j < n; j++) L[i * n + j] = Number.NaN; // the upper triangle is never read
          }
          const rhs = Float32Array.from({ length: n }, () => u() - 0.5);
          const a = new KernelArena(k);
          const p = { L: a.reserve32(n * n), b: a.reserve32(n) };
          a.commit();
          a.f32(p.L, n * n).set(L);
          a.f32(p.b, n).set(rhs);
          k.solveLower32(p.L, n, p.b);
          const y = a.f32(p.b, n).slice();
          const wantY = rhs.slice();
          solveLower32RowOrder(L, n, wantY);
          expect(y.filter((v, i) => !Object.is(v, wantY[i])).length, `${variant}: forward, n = ${n}`).toBe(0);
          k.solveLowerT32(p.L, n, p.b);
          const x = a.f32(p.b, n).slice();
          const wantX = y.slice();
          solveLowerT32RowOrder(L, n, wantX);
          expect(x.filter((v, i) => !Object.is(v, wantX[i])).length, `${variant}: backward, n = ${n}`).toBe(
            0,
          );
          // and they are the solves, to single precision: residuals of L y = rhs and Lᵀ x = y in f64
          for (const i of [0, n >> 1, n - 1]) {
            let ly = 0;
            let ltx = 0;
            for (let j = 0; j <= i; j++) ly += L[i * n + j] * y[j];
            for (let j = i; j < n; j++) ltx += L[j * n + i] * x[j];
            expect(Math.abs(ly - rhs[i]), `L y = b, n = ${n}, row ${i}`).toBeLessThan(1e-6);
            expect(Math.abs(ltx - y[i]), `Lᵀ x = y, n = ${n}, row ${i}`).toBeLessThan(1e-6);
          }
        }
    },
  );
});

/** Both wasm builds and the TS fallback, for the fused kernels whose row sums must equal symvLower64's. */
const fusedVariants = [
  ...(wasmModule("plain") === null ? [] : [["wasm (plain)", () => createKernels("wasm", "plain")] as const]),
  ...(fmaRuns ? [["wasm (fma)", () => createKernels("wasm", "fma")] as const] : []),
  ["ts", () => createTsKernels()] as const,
];

/** Buffers of a fused-kernel test (the caller fills them): the kernel's Z and y, the reference's Zref and yref, ones. */
function fusedBuffers(a: KernelArena, n: number) {
  const p = {
    Z: a.reserve64(n * n),
    Zref: a.reserve64(n * n),
    ones: a.reserve64(n),
    y: a.reserve64(n),
    yref: a.reserve64(n),
  };
  return p;
}

/** Entries j ≤ i where the two lower triangles differ in any bit. */
function differingLower(got: Float64Array, want: Float64Array, n: number): number {
  let differing = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) if (!Object.is(got[i * n + j], want[i * n + j])) differing++;
  return differing;
}

/** y against symvLower64(Z, 1): bit-identical from wasm, within 4nε from the TS fallback. */
function expectRowSums(kind: string, n: number, y: Float64Array, yref: Float64Array): void {
  for (let i = 0; i < n; i++) {
    if (kind === "ts")
      expect(Math.abs(y[i] - yref[i]), `n = ${n}`).toBeLessThanOrEqual(4 * n * Number.EPSILON * yref[i]);
    else expect(Object.is(y[i], yref[i]), `${kind}: y[${i}], n = ${n}`).toBe(true);
  }
}

describe("expNegRowSumsLower: expNegLower and the row sums Z·1 in one pass", () => {
  it.each(fusedVariants)(
    "%s: Z and the returned sum bit-identical to expNegLower's, y to symvLower64(Z, 1) (wasm; TS within 4nε)",
    (kind, make) => {
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 64, 257]) {
        for (const t of [0.05, 1, 30]) {
          const k = make();
          const u = lcg(n + 17);
          const a = new KernelArena(k);
          const p = { ...fusedBuffers(a, n), D: a.reserve64(n * n) };
          a.commit();
          const D = a.f64(p.D, n * n);
          // distances up to 30: at t = 30 some arguments pass −708 (the scalar path) and many entries flush
          for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) D[i * n + j] = u() < 0.1 ? 30 * u() : u();
          a.f64(p.ones, n).fill(1);
          a.f64(p.y, n).fill(Number.NaN); // overwritten, not accumulated into
          const sum = k.expNegRowSumsLower(p.D, p.Z, n, t, 1e-20, p.y);
          const refSum = k.expNegLower(p.D, p.Zref, n, t, 1e-20);
          k.symvLower64(p.Zref, n, p.ones, p.yref);
          expect(
            differingLower(a.f64(p.Z, n * n), a.f64(p.Zref, n * n), n),
            `${kind}: Z, n = ${n}, t = ${t}`,
          ).toBe(0);
          expect(Object.is(sum, refSum), `${kind}: Σ, n = ${n}, t = ${t}`).toBe(true);
          expectRowSums(kind, n, a.f64(p.y, n), a.f64(p.yref, n));
        }
      }
    },
  );
});

describe("hadamardRowSumsLower: hadamardLower and the row sums Z·1 in one pass", () => {
  it.each(fusedVariants)(
    "%s: Z bit-identical to hadamardLower's, y to symvLower64(Z, 1) (wasm; TS within 4nε), flushed entries 0",
    (kind, make) => {
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 64, 257]) {
        const k = make();
        const u = lcg(n + 41);
        const a = new KernelArena(k);
        const p = { ...fusedBuffers(a, n), Z1: a.reserve64(n * n) };
        a.commit();
        const Z = a.f64(p.Z, n * n);
        const Z1 = a.f64(p.Z1, n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < i; j++) {
            Z[i * n + j] = u() < 0.1 ? 1e-19 : u(); // some products fall below the flush threshold
            Z1[i * n + j] = 0.5 + 0.5 * u();
          }
          Z[i * n + i] = 1;
          Z1[i * n + i] = 1;
        }
        a.f64(p.ones, n).fill(1);
        k.copyLower64(p.Z, p.Zref, n);
        a.f64(p.y, n).fill(Number.NaN); // overwritten, not accumulated into
        const sum = k.hadamardRowSumsLower(p.Z, p.Z1, n, 1e-20, p.y);
        const refSum = k.hadamardLower(p.Zref, p.Z1, n, 1e-20);
        k.symvLower64(p.Zref, n, p.ones, p.yref);
        const got = a.f64(p.Z, n * n);
        expect(differingLower(got, a.f64(p.Zref, n * n), n), `${kind}: Z, n = ${n}`).toBe(0);
        expectRowSums(kind, n, a.f64(p.y, n), a.f64(p.yref, n));
        // the returned strictly lower sum, in another order than hadamardLower's
        expect(Math.abs(sum - refSum)).toBeLessThanOrEqual(n * n * Number.EPSILON * Math.max(refSum, 1));
        for (let i = 0; i < n; i++)
          for (let j = 0; j < i; j++)
            if (got[i * n + j] !== 0) expect(got[i * n + j]).toBeGreaterThanOrEqual(1e-20);
      }
    },
  );
});

describe("lowerMinMax: smallest positive and largest entry below the diagonal", () => {
  it.each(kinds)(
    "%s: equals the scalar scan (lowerTriangleStats' min and max), zeros and NaN never taken",
    (_kind, make) => {
      for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 64, 257]) {
        const k = make();
        const u = lcg(n + 53);
        const a = new KernelArena(k);
        const p = { D: a.reserve64(n * n), out: a.reserve64(2) };
        a.commit();
        const D = a.f64(p.D, n * n);
        for (let i = 0; i < n * n; i++) {
          const r = u();
          D[i] = r < 0.05 ? 0 : r < 0.08 ? Number.NaN : 10 * u(); // the upper triangle is noise too
        }
        k.lowerMinMax(p.D, n, p.out);
        const [min, max] = a.f64(p.out, 2);
        let wantMin = Number.POSITIVE_INFINITY;
        let wantMax = Number.NEGATIVE_INFINITY;
        for (let i = 1; i < n; i++)
          for (let j = 0; j < i; j++) {
            const v = D[i * n + j];
            if (v > 0 && v < wantMin) wantMin = v;
            if (v > wantMax) wantMax = v;
          }
        expect(min, `min, n = ${n}`).toBe(wantMin);
        expect(max, `max, n = ${n}`).toBe(wantMax);
      }
    },
  );
});
