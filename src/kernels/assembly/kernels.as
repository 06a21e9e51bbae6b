// magtrack dense kernels, AssemblyScript → WebAssembly SIMD (128-bit: f64x2 / f32x4).
//
// Built by `npm run build:wasm` (asc -O3 --runtime stub --noAssert --enable simd). The file has the
// extension .as so that tsc and biome leave it alone; asc compiles it as AssemblyScript.
//
// Conventions (shared with the plain-TypeScript fallback in ../ts-kernels.ts, same semantics; its exp is
// Math.exp, which expNegLower's vectorised exp matches within 1 ulp, not bit for bit):
// - every pointer is a byte offset into this module's linear memory, 16-byte aligned by the loader;
// - matrices are n×n row-major; symmetric matrices keep only the LOWER triangle (j ≤ i) meaningful,
//   the upper triangle is scratch and is never read;
// - no allocation here: the loader owns the memory layout.
// Raw load/store on linear memory only (managed arrays are 5–12× slower, see PERF-NOTES.md), and every
// inner loop vectorised by hand (asc has no auto-vectoriser).

export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

// @ts-ignore: decorator
@inline
function hsum64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// @ts-ignore: decorator
@inline
function hsum32(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * c + a·b on two f64 lanes. In kernels-fma.wasm (built with relaxed SIMD, src/kernels/build-wasm.mjs)
 * one relaxed_madd: a fused multiply-add where the machine has one (x86 FMA3, ARM), else the two
 * operations; in kernels.wasm always the two operations, rounded twice. A fused c + a·b is rounded
 * once, so every bound stated for the unfused kernels (γ_n-type rounding terms) holds for both. Used
 * where the kernels are bound by arithmetic (the mat-vec and exp), not where a test pins the bits.
 */
// @ts-ignore: decorator
@inline
function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/** Σ_k a[k]·b[k], k < len, f64. */
function dot64(a: usize, b: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = (<usize>k) << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  let s = hsum64(f64x2.add(acc0, acc1));
  for (; k < len; k++) {
    const o = (<usize>k) << 3;
    s += load<f64>(a + o) * load<f64>(b + o);
  }
  return s;
}

/** Σ_k a[k]·b[k], k < len, f32. */
function dot32(a: usize, b: usize, len: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let k = 0;
  for (; k + 8 <= len; k += 8) {
    const o = (<usize>k) << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  let s = hsum32(f32x4.add(acc0, acc1));
  for (; k < len; k++) {
    const o = (<usize>k) << 2;
    s += load<f32>(a + o) * load<f32>(b + o);
  }
  return s;
}

/** Σ_k (a[k] − b[k])², f64: the accurate squared distance, no cancellation. */
function sqdiff64(a: usize, b: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = (<usize>k) << 3;
    const e0 = f64x2.sub(v128.load(a + o), v128.load(b + o));
    const e1 = f64x2.sub(v128.load(a + o + 16), v128.load(b + o + 16));
    acc0 = f64x2.add(acc0, f64x2.mul(e0, e0));
    acc1 = f64x2.add(acc1, f64x2.mul(e1, e1));
  }
  let s = hsum64(f64x2.add(acc0, acc1));
  for (; k < len; k++) {
    const o = (<usize>k) << 3;
    const e = load<f64>(a + o) - load<f64>(b + o);
    s += e * e;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Distances

/** norms[i] = Σ_k X[i,k]², X n×d. */
export function rowSquaredNorms(X: usize, n: i32, d: i32, norms: usize): void {
  const rs = (<usize>d) << 3;
  for (let i = 0; i < n; i++) {
    const xi = X + (<usize>i) * rs;
    store<f64>(norms + ((<usize>i) << 3), dot64(xi, xi, d));
  }
}

/**
 * Euclidean distances, lower triangle of D (n×n): D[i,j] = ‖x_i − x_j‖ for j ≤ i.
 * Gram trick D² = ‖x_i‖² + ‖x_j‖² − 2·x_i·x_j with 4×2 register tiles; where the result is small
 * against the norms (D² < relRecompute·(‖x_i‖² + ‖x_j‖²): cancellation would lose digits, e.g. for
 * near-duplicates) the pair is recomputed as Σ(x_i − x_j)² from Xraw. Callers pass a centred copy as X
 * (small norms, fewer recomputations) and the original rows as Xraw (exact differences).
 */
export function distancesLower(
  X: usize, Xraw: usize, n: i32, d: i32, norms: usize, D: usize, relRecompute: f64,
): void {
  const rs = (<usize>d) << 3;
  const dn = (<usize>n) << 3;
  const full = n & ~3; // rows in whole 4-row tiles
  // Cache blocking over j: a block of columns (rows y_j of X) of at most DIST_BLOCK_BYTES stays in L2
  // while every 4-row tile i0 ≥ its start streams past it; without it each tile re-read all of X from
  // L3 or memory (n·d·8 bytes per 4 rows). Each (i, j) is still one dot product over all d in the same
  // order, so D is bit-identical to the unblocked loop.
  let jb = <i32>(DIST_BLOCK_BYTES / rs);
  jb = jb < 2 ? 2 : jb & ~1;
  for (let j0 = 0; j0 < full; j0 += jb) {
    const j1 = min(j0 + jb, full);
    for (let i0 = j0 & ~3; i0 < full; i0 += 4) {
      distanceTileRow(X, Xraw, d, norms, D, dn, rs, i0, j0, min(j1, i0 + 4), relRecompute);
    }
  }
  // remaining rows one by one
  for (let i = full; i < n; i++) {
    const xi = X + (<usize>i) * rs;
    for (let j = 0; j <= i; j++) {
      gramToDistance(Xraw, d, norms, D, dn, i, j, dot64(xi, X + (<usize>j) * rs, d), relRecompute);
    }
  }
}

const DIST_BLOCK_BYTES: usize = 256 * 1024;

/**
 * Row-major index i·n + j of the smallest D[i, j], j < i (the first one in row-major order, as a scan
 * with `<` finds it), or −1 for n < 2. Each row's minimum in two lanes (pmin: v < m ? v : m, so a NaN
 * is never taken, as `<` never takes one), then the row is searched only if that beats the best so
 * far. Replaced a JS scan that took 3.5 of 17.6 ms of a 2000 × 64 distance step (measured 2026-12-07).
 */
export function closestPairLower(D: usize, n: i32): i32 {
  let best = Infinity;
  let at = -1;
  for (let i = 1; i < n; i++) {
    const row = D + (<usize>i) * (<usize>n) * 8;
    let m2 = f64x2.splat(Infinity);
    let j = 0;
    for (; j + 2 <= i; j += 2) m2 = f64x2.pmin(m2, v128.load(row + ((<usize>j) << 3)));
    let m = min(f64x2.extract_lane(m2, 0), f64x2.extract_lane(m2, 1));
    if (j < i) {
      const v = load<f64>(row + ((<usize>j) << 3));
      if (v < m) m = v;
    }
    if (m < best) {
      best = m;
      let k = 0;
      while (load<f64>(row + ((<usize>k) << 3)) != m) k++;
      at = i * n + k;
    }
  }
  return at;
}

/** Rows i0..i0+3 against columns [j0, jEnd) (j0, jEnd even) in 4×2 register tiles. */
function distanceTileRow(
  X: usize, Xraw: usize, d: i32, norms: usize, D: usize, dn: usize, rs: usize,
  i0: i32, j0: i32, jEnd: i32, relRecompute: f64,
): void {
  {
    const x0 = X + (<usize>i0) * rs;
    const x1 = x0 + rs;
    const x2 = x1 + rs;
    const x3 = x2 + rs;
    // the tile may cross the diagonal (upper entries are scratch)
    let j = j0;
    for (; j + 2 <= jEnd; j += 2) {
      const y0 = X + (<usize>j) * rs;
      const y1 = y0 + rs;
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0);
      let a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0);
      let a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      let k = 0;
      for (; k + 2 <= d; k += 2) {
        const o = (<usize>k) << 3;
        const b0 = v128.load(y0 + o);
        const b1 = v128.load(y1 + o);
        const c0 = v128.load(x0 + o);
        a00 = madd64(c0, b0, a00);
        a01 = madd64(c0, b1, a01);
        const c1 = v128.load(x1 + o);
        a10 = madd64(c1, b0, a10);
        a11 = madd64(c1, b1, a11);
        const c2 = v128.load(x2 + o);
        a20 = madd64(c2, b0, a20);
        a21 = madd64(c2, b1, a21);
        const c3 = v128.load(x3 + o);
        a30 = madd64(c3, b0, a30);
        a31 = madd64(c3, b1, a31);
      }
      // g_r = [x_r·y_j, x_r·y_{j+1}]: the lanes of a_r0 and a_r1 added pairwise (lane 0 + lane 1, as hsum64)
      let g0 = hsumPairs(a00, a01), g1 = hsumPairs(a10, a11);
      let g2 = hsumPairs(a20, a21), g3 = hsumPairs(a30, a31);
      if (k < d) {
        const o = (<usize>k) << 3;
        const b = f64x2.replace_lane(f64x2.splat(load<f64>(y0 + o)), 1, load<f64>(y1 + o));
        g0 = madd64(f64x2.splat(load<f64>(x0 + o)), b, g0);
        g1 = madd64(f64x2.splat(load<f64>(x1 + o)), b, g1);
        g2 = madd64(f64x2.splat(load<f64>(x2 + o)), b, g2);
        g3 = madd64(f64x2.splat(load<f64>(x3 + o)), b, g3);
      }
      distancePair(Xraw, d, norms, D, dn, i0, j, g0, relRecompute);
      distancePair(Xraw, d, norms, D, dn, i0 + 1, j, g1, relRecompute);
      distancePair(Xraw, d, norms, D, dn, i0 + 2, j, g2, relRecompute);
      distancePair(Xraw, d, norms, D, dn, i0 + 3, j, g3, relRecompute);
    }
  }
}

/** [hsum64(a), hsum64(b)] in one vector: the same two additions, no lane extraction. */
// @ts-ignore: decorator
@inline
function hsumPairs(a: v128, b: v128): v128 {
  return f64x2.add(v128.shuffle<f64>(a, b, 0, 2), v128.shuffle<f64>(a, b, 1, 3));
}

/**
 * D[i, j] and D[i, j+1] from g = [x_i·x_j, x_i·x_{j+1}]: gramToDistance on both lanes at once where both
 * lie strictly below the diagonal and neither cancels (the common case; the same operations in the
 * same order, so the same bits), one by one otherwise. At d = 64 the per-pair scalar tail (extract,
 * norms, sqrt, store) cost about as much as the 4×2 tile's dot products.
 */
// @ts-ignore: decorator
@inline
function distancePair(X: usize, d: i32, norms: usize, D: usize, dn: usize, i: i32, j: i32, g: v128, relRecompute: f64): void {
  if (j + 1 < i) {
    const nsum = f64x2.add(f64x2.splat(load<f64>(norms + ((<usize>i) << 3))), v128.load(norms + ((<usize>j) << 3)));
    const s = f64x2.sub(nsum, f64x2.mul(f64x2.splat(2.0), g));
    if (!v128.any_true(f64x2.lt(s, f64x2.mul(f64x2.splat(relRecompute), nsum)))) {
      v128.store(D + (<usize>i) * dn + ((<usize>j) << 3), f64x2.sqrt(s));
      return;
    }
  }
  gramToDistance(X, d, norms, D, dn, i, j, f64x2.extract_lane(g, 0), relRecompute);
  gramToDistance(X, d, norms, D, dn, i, j + 1, f64x2.extract_lane(g, 1), relRecompute);
}

// @ts-ignore: decorator
@inline
function gramToDistance(
  X: usize, d: i32, norms: usize, D: usize, dn: usize, i: i32, j: i32, g: f64, relRecompute: f64,
): void {
  const p = D + (<usize>i) * dn + ((<usize>j) << 3);
  if (j > i) return; // upper triangle: not stored
  if (i == j) {
    store<f64>(p, 0.0);
    return;
  }
  const ni = load<f64>(norms + ((<usize>i) << 3));
  const nj = load<f64>(norms + ((<usize>j) << 3));
  let s = ni + nj - 2.0 * g;
  if (s < relRecompute * (ni + nj)) {
    const rs = (<usize>d) << 3;
    s = sqdiff64(X + (<usize>i) * rs, X + (<usize>j) * rs, d);
  }
  store<f64>(p, Math.sqrt(s));
}

// ---------------------------------------------------------------------------------------------
// Similarity matrices (lower triangle)

/**
 * exp on two f64 lanes, x ∈ [−708, 0] (the normal range of the result), the algorithm of ARM's
 * optimized-routines exp (math/exp.c, N = 128): k = round(x·N/ln 2), r = x − k·ln2/N (ln2/N split in
 * a high and a low part), exp(x) = 2^(k/N)·(1 + tail + r + C2 r² + C3 r³ + C4 r⁴ + C5 r⁵), with
 * 2^(i/N) and its rounding error (the tail) from EXP_TAB and 2^⌊k/N⌋ added to the exponent bits.
 * Within 1 ulp of Math.exp (checked on 10⁶ arguments by test/kernels/exp-simd.test.ts); no gather in
 * wasm SIMD, so the two table rows are loaded lane by lane. 2.3× the speed of the scalar Math.exp
 * loop (1.9 vs 4.4 ms per 1000² lower triangle).
 */
@inline
function exp2Lanes(x: v128): v128 {
  const shift = f64x2.splat(6755399441055744.0); // 1.5·2^52: adding it rounds to an integer in the low bits
  const kBits = f64x2.add(f64x2.mul(x, f64x2.splat(184.6649652337873)), shift); // N / ln 2
  const k = f64x2.sub(kBits, shift);
  const r = madd64(
    k,
    f64x2.splat(-1.2864023111638346e-14), // −ln2/N, low part
    madd64(k, f64x2.splat(-0.005415212348111709), x), // −ln2/N, high part
  );
  const i0 = (<usize>(i64x2.extract_lane(kBits, 0) & 127)) << 4;
  const i1 = (<usize>(i64x2.extract_lane(kBits, 1) & 127)) << 4;
  const tail = v128.load64_lane(EXP_TAB + i1, v128.load64_zero(EXP_TAB + i0), 1);
  const rowBits = v128.load64_lane(EXP_TAB + i1 + 8, v128.load64_zero(EXP_TAB + i0 + 8), 1);
  const scale = i64x2.add(rowBits, i64x2.shl(kBits, 45)); // 2^(k/N) as bits: 52 − log2 N = 45
  const r2 = f64x2.mul(r, r);
  const c23 = madd64(r, f64x2.splat(0.16666666666665886), f64x2.splat(0.49999999999996786));
  const c45 = madd64(r, f64x2.splat(0.008333335853059549), f64x2.splat(0.0416666808410674));
  const poly = madd64(f64x2.mul(r2, r2), c45, madd64(r2, c23, f64x2.add(tail, r)));
  return madd64(scale, poly, scale);
}

/**
 * EXP_TAB[2i] = tail, EXP_TAB[2i+1] = bits of 2^(i/128) less i·2^45, for i < 128, as in ARM's
 * exp_data.c; computed with 60-digit decimals (2^(i/128) rounded to f64, tail = its relative error).
 */
const EXP_TAB = memory.data<u64>([
  0x0000000000000000, 0x3ff0000000000000, 0x3c9b3b4f1a88bf6e, 0x3feff63da9fb3335,
  0xbc7160139cd8dc5d, 0x3fefec9a3e778061, 0xbc905e7a108766d1, 0x3fefe315e86e7f85,
  0x3c8cd2523567f613, 0x3fefd9b0d3158574, 0xbc8bce8023f98efa, 0x3fefd06b29ddf6de,
  0x3c60f74e61e6c861, 0x3fefc74518759bc8, 0x3c90a3e45b33d399, 0x3fefbe3ecac6f383,
  0x3c979aa65d837b6d, 0x3fefb5586cf9890f, 0x3c8eb51a92fdeffc, 0x3fefac922b7247f7,
  0x3c3ebe3d702f9cd1, 0x3fefa3ec32d3d1a2, 0xbc6a033489906e0b, 0x3fef9b66affed31b,
  0xbc9556522a2fbd0e, 0x3fef9301d0125b51, 0xbc5080ef8c4eea55, 0x3fef8abdc06c31cc,
  0xbc91c923b9d5f416, 0x3fef829aaea92de0, 0x3c80d3e3e95c55af, 0x3fef7a98c8a58e51,
  0xbc801b15eaa59348, 0x3fef72b83c7d517b, 0xbc8f1ff055de323d, 0x3fef6af9388c8dea,
  0x3c8b898c3f1353bf, 0x3fef635beb6fcb75, 0xbc96d99c7611eb26, 0x3fef5be084045cd4,
  0x3c9aecf73e3a2f60, 0x3fef54873168b9aa, 0xbc8fe782cb86389d, 0x3fef4d5022fcd91d,
  0x3c8a6f4144a6c38d, 0x3fef463b88628cd6, 0x3c807a05b0e4047d, 0x3fef3f49917ddc96,
  0x3c968efde3a8a894, 0x3fef387a6e756238, 0x3c875e18f274487d, 0x3fef31ce4fb2a63f,
  0x3c80472b981fe7f2, 0x3fef2b4565e27cdd, 0xbc96b87b3f71085e, 0x3fef24dfe1f56381,
  0x3c82f7e16d09ab31, 0x3fef1e9df51fdee1, 0xbc3d219b1a6fbffa, 0x3fef187fd0dad990,
  0x3c8b3782720c0ab4, 0x3fef1285a6e4030b, 0x3c6e149289cecb8f, 0x3fef0cafa93e2f56,
  0x3c834d754db0abb6, 0x3fef06fe0a31b715, 0x3c864201e2ac744c, 0x3fef0170fc4cd831,
  0x3c8fdd395dd3f84a, 0x3feefc08b26416ff, 0xbc86a3803b8e5b04, 0x3feef6c55f929ff1,
  0xbc924aedcc4b5068, 0x3feef1a7373aa9cb, 0xbc9907f81b512d8e, 0x3feeecae6d05d866,
  0xbc71d1e83e9436d2, 0x3feee7db34e59ff7, 0xbc991919b3ce1b15, 0x3feee32dc313a8e5,
  0x3c859f48a72a4c6d, 0x3feedea64c123422, 0xbc9312607a28698a, 0x3feeda4504ac801c,
  0xbc58a78f4817895b, 0x3feed60a21f72e2a, 0xbc7c2c9b67499a1b, 0x3feed1f5d950a897,
  0x3c4363ed60c2ac11, 0x3feece086061892d, 0x3c9666093b0664ef, 0x3feeca41ed1d0057,
  0x3c6ecce1daa10379, 0x3feec6a2b5c13cd0, 0x3c93ff8e3f0f1230, 0x3feec32af0d7d3de,
  0x3c7690cebb7aafb0, 0x3feebfdad5362a27, 0x3c931dbdeb54e077, 0x3feebcb299fddd0d,
  0xbc8f94340071a38e, 0x3feeb9b2769d2ca7, 0xbc87deccdc93a349, 0x3feeb6daa2cf6642,
  0xbc78dec6bd0f385f, 0x3feeb42b569d4f82, 0xbc861246ec7b5cf6, 0x3feeb1a4ca5d920f,
  0x3c93350518fdd78e, 0x3feeaf4736b527da, 0x3c7b98b72f8a9b05, 0x3feead12d497c7fd,
  0x3c9063e1e21c5409, 0x3feeab07dd485429, 0x3c34c7855019c6ea, 0x3feea9268a5946b7,
  0x3c9432e62b64c035, 0x3feea76f15ad2148, 0xbc8ce44a6199769f, 0x3feea5e1b976dc09,
  0xbc8c33c53bef4da8, 0x3feea47eb03a5585, 0xbc845378892be9ae, 0x3feea34634ccc320,
  0xbc93cedd78565858, 0x3feea23882552225, 0x3c5710aa807e1964, 0x3feea155d44ca973,
  0xbc93b3efbf5e2228, 0x3feea09e667f3bcd, 0xbc6a12ad8734b982, 0x3feea012750bdabf,
  0xbc6367efb86da9ee, 0x3fee9fb23c651a2f, 0xbc80dc3d54e08851, 0x3fee9f7df9519484,
  0xbc781f647e5a3ecf, 0x3fee9f75e8ec5f74, 0xbc86ee4ac08b7db0, 0x3fee9f9a48a58174,
  0xbc8619321e55e68a, 0x3fee9feb564267c9, 0x3c909ccb5e09d4d3, 0x3feea0694fde5d3f,
  0xbc7b32dcb94da51d, 0x3feea11473eb0187, 0x3c94ecfd5467c06b, 0x3feea1ed0130c132,
  0x3c65ebe1abd66c55, 0x3feea2f336cf4e62, 0xbc88a1c52fb3cf42, 0x3feea427543e1a12,
  0xbc9369b6f13b3734, 0x3feea589994cce13, 0xbc805e843a19ff1e, 0x3feea71a4623c7ad,
  0xbc94d450d872576e, 0x3feea8d99b4492ed, 0x3c90ad675b0e8a00, 0x3feeaac7d98a6699,
  0x3c8db72fc1f0eab4, 0x3feeace5422aa0db, 0xbc65b6609cc5e7ff, 0x3feeaf3216b5448c,
  0x3c7bf68359f35f44, 0x3feeb1ae99157736, 0xbc93091fa71e3d83, 0x3feeb45b0b91ffc6,
  0xbc5da9b88b6c1e29, 0x3feeb737b0cdc5e5, 0xbc6c23f97c90b959, 0x3feeba44cbc8520f,
  0xbc92434322f4f9aa, 0x3feebd829fde4e50, 0xbc85ca6cd7668e4b, 0x3feec0f170ca07ba,
  0x3c71affc2b91ce27, 0x3feec49182a3f090, 0x3c6dd235e10a73bb, 0x3feec86319e32323,
  0xbc87c50422622263, 0x3feecc667b5de565, 0x3c8b1c86e3e231d5, 0x3feed09bec4a2d33,
  0xbc91bbd1d3bcbb15, 0x3feed503b23e255d, 0x3c90cc319cee31d2, 0x3feed99e1330b358,
  0x3c8469846e735ab3, 0x3feede6b5579fdbf, 0xbc82dfcd978e9db4, 0x3feee36bbfd3f37a,
  0x3c8c1a7792cb3387, 0x3feee89f995ad3ad, 0xbc907b8f4ad1d9fa, 0x3feeee07298db666,
  0xbc55c3d956dcaeba, 0x3feef3a2b84f15fb, 0xbc90a40e3da6f640, 0x3feef9728de5593a,
  0xbc68d6f438ad9334, 0x3feeff76f2fb5e47, 0xbc91eee26b588a35, 0x3fef05b030a1064a,
  0x3c74ffd70a5fddcd, 0x3fef0c1e904bc1d2, 0xbc91bdfbfa9298ac, 0x3fef12c25bd71e09,
  0x3c736eae30af0cb3, 0x3fef199bdd85529c, 0x3c8ee3325c9ffd94, 0x3fef20ab5fffd07a,
  0x3c84e08fd10959ac, 0x3fef27f12e57d14b, 0x3c63cdaf384e1a67, 0x3fef2f6d9406e7b5,
  0x3c676b2c6c921968, 0x3fef3720dcef9069, 0xbc808a1883ccb5d2, 0x3fef3f0b555dc3fa,
  0xbc8fad5d3ffffa6f, 0x3fef472d4a07897c, 0xbc900dae3875a949, 0x3fef4f87080d89f2,
  0x3c74a385a63d07a7, 0x3fef5818dcfba487, 0xbc82919e2040220f, 0x3fef60e316c98398,
  0x3c8e5a50d5c192ac, 0x3fef69e603db3285, 0x3c843a59ac016b4b, 0x3fef7321f301b460,
  0xbc82d52107b43e1f, 0x3fef7c97337b9b5f, 0xbc892ab93b470dc9, 0x3fef864614f5a129,
  0x3c74b604603a88d3, 0x3fef902ee78b3ff6, 0x3c83c5ec519d7271, 0x3fef9a51fbc74c83,
  0xbc8ff7128fd391f0, 0x3fefa4afa2a490da, 0xbc8dae98e223747d, 0x3fefaf482d8e67f1,
  0x3c8ec3bc41aa2008, 0x3fefba1bee615a27, 0x3c842b94c3a9eb32, 0x3fefc52b376bba97,
  0x3c8a64a931d185ee, 0x3fefd0765b6e4540, 0xbc8e37bae43be3ed, 0x3fefdbfdad9cbe14,
  0x3c77893b4d91cd9d, 0x3fefe7c1819e90d8, 0x3c5305c14160cc89, 0x3feff3c22b8f71f1
]);

/**
 * Z[i,j] = exp(−t·D[i,j]) for j ≤ i; entries below `flushBelow` become 0 (they would otherwise
 * drive later arithmetic into subnormals). Returns Σ_{j<i} Z[i,j] (strictly lower), so that
 * Σ_ij Z = n + 2·(returned value) for the Cauchy–Schwarz bound Mag ≥ n² / Σ Z. Two entries at a time
 * by exp2Lanes; a pair with an argument below −708 (a subnormal or zero result) and the odd last entry
 * of a row go through Math.exp.
 */
export function expNegLower(D: usize, Z: usize, n: i32, t: f64, flushBelow: f64): f64 {
  return expNegRows(D, Z, n, t, flushBelow, 0, false);
}

/**
 * expNegLower and symvLower64(Z, n, ones, y) in one pass: y = Z·1 of the new Z as well. Row i's sum is
 * formed as symvLower64's row-at-a-time order forms it (pairs into two lanes, then the odd column, then
 * y_i = 0 + s + Z_ii), and each y_j += Z_ij in ascending i, which is also symvLower64's order (its
 * blocks of four rows add them row by row; a·1 is a, exactly): y is bit-identical to the mat-vec,
 * without reading Z a second time (t_conv's probes and the dimension fit's scales need Z·1 for the
 * Gershgorin bound and the start 1/(Z·1)).
 */
export function expNegRowSumsLower(D: usize, Z: usize, n: i32, t: f64, flushBelow: f64, y: usize): f64 {
  memory.fill(y, 0, (<usize>n) << 3);
  return expNegRows(D, Z, n, t, flushBelow, y, true);
}

// @ts-ignore: decorator
@inline
function expNegRows(D: usize, Z: usize, n: i32, t: f64, flushBelow: f64, y: usize, rows: bool): f64 {
  const dn = (<usize>n) << 3;
  const minusT = f64x2.splat(-t);
  const lim = f64x2.splat(flushBelow);
  const normalEnd = f64x2.splat(-708.0);
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const dr = D + (<usize>i) * dn;
    const zr = Z + (<usize>i) * dn;
    let pair = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      const o = (<usize>j) << 3;
      const x = f64x2.mul(minusT, v128.load(dr + o));
      let z: v128;
      if (v128.any_true(f64x2.lt(x, normalEnd))) {
        z = f64x2.replace_lane(
          f64x2.splat(Math.exp(f64x2.extract_lane(x, 0))),
          1,
          Math.exp(f64x2.extract_lane(x, 1)),
        );
      } else z = exp2Lanes(x);
      z = v128.and(z, f64x2.ge(z, lim)); // keep lanes ≥ flushBelow, zero the rest
      v128.store(zr + o, z);
      pair = f64x2.add(pair, z);
      if (rows) v128.store(y + o, f64x2.add(v128.load(y + o), z));
    }
    let s = f64x2.extract_lane(pair, 0) + f64x2.extract_lane(pair, 1);
    for (; j < i; j++) {
      const o = (<usize>j) << 3;
      let z = Math.exp(-t * load<f64>(dr + o));
      if (z < flushBelow) z = 0;
      store<f64>(zr + o, z);
      s += z;
      if (rows) store<f64>(y + o, load<f64>(y + o) + z);
    }
    store<f64>(zr + ((<usize>i) << 3), 1.0);
    if (rows) {
      const yi = y + ((<usize>i) << 3);
      store<f64>(yi, load<f64>(yi) + s + 1.0);
    }
    total += s;
  }
  return total;
}

/**
 * Z ← Z ∘ Z1 on the lower triangle (linear grid: exp(−(k+1)hD) = exp(−khD) ∘ exp(−hD), no exp),
 * flushing entries below `flushBelow` to 0. Returns Σ_{j<i} Z[i,j] after the update.
 */
export function hadamardLower(Z: usize, Z1: usize, n: i32, flushBelow: f64): f64 {
  const dn = (<usize>n) << 3;
  const lim = f64x2.splat(flushBelow);
  let tot = f64x2.splat(0);
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const zr = Z + (<usize>i) * dn;
    const z1 = Z1 + (<usize>i) * dn;
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      const o = (<usize>j) << 3;
      tot = f64x2.add(tot, hadamardPair(zr + o, z1 + o, lim));
    }
    for (; j < i; j++) {
      const o = (<usize>j) << 3;
      total += hadamardEntry(zr + o, z1 + o, flushBelow);
    }
  }
  return total + hsum64(tot);
}

/**
 * hadamardLower and symvLower64(Z, n, ones, y) in one pass: Z ← Z ∘ Z1 (flushed as there) and y = Z·1
 * of the new Z, rows in blocks of four as in symvLower64. Each entry is formed by hadamardLower's
 * operations and each row sum in symvLower64's order (a·1 is a, exactly), so Z and y are bit-identical
 * to the two kernels one after the other; the pass reads Z once instead of twice (the linear grid's
 * every scale needs both: Z for CG, Z·1 for its Gershgorin bound and start). Returns Σ_{j<i} Z_ij
 * after the update (as the sum of the rows' strictly lower parts: 0 exactly when every entry is 0).
 */
export function hadamardRowSumsLower(Z: usize, Z1: usize, n: i32, flushBelow: f64, y: usize): f64 {
  const dn = (<usize>n) << 3;
  memory.fill(y, 0, dn);
  const lim = f64x2.splat(flushBelow);
  let lowerSum: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = Z + (<usize>i) * dn;
    const a1 = a0 + dn;
    const a2 = a1 + dn;
    const a3 = a2 + dn;
    const b0 = Z1 + (<usize>i) * dn;
    const b1 = b0 + dn;
    const b2 = b1 + dn;
    const b3 = b2 + dn;
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let c2 = f64x2.splat(0);
    let c3 = f64x2.splat(0);
    for (let j = 0; j < i; j += 2) {
      const o = (<usize>j) << 3;
      const v0 = hadamardPair(a0 + o, b0 + o, lim);
      const v1 = hadamardPair(a1 + o, b1 + o, lim);
      const v2 = hadamardPair(a2 + o, b2 + o, lim);
      const v3 = hadamardPair(a3 + o, b3 + o, lim);
      c0 = f64x2.add(c0, v0);
      c1 = f64x2.add(c1, v1);
      c2 = f64x2.add(c2, v2);
      c3 = f64x2.add(c3, v3);
      let yv = v128.load(y + o);
      yv = f64x2.add(yv, v0);
      yv = f64x2.add(yv, v1);
      yv = f64x2.add(yv, v2);
      yv = f64x2.add(yv, v3);
      v128.store(y + o, yv);
    }
    lowerSum += hadamardRowSumFrom(a0, b0, i, i, y, c0, lim);
    lowerSum += hadamardRowSumFrom(a1, b1, i + 1, i, y, c1, lim);
    lowerSum += hadamardRowSumFrom(a2, b2, i + 2, i, y, c2, lim);
    lowerSum += hadamardRowSumFrom(a3, b3, i + 3, i, y, c3, lim);
  }
  for (; i < n; i++) {
    const a = Z + (<usize>i) * dn;
    const b = Z1 + (<usize>i) * dn;
    lowerSum += hadamardRowSumFrom(a, b, i, 0, y, f64x2.splat(0), lim);
  }
  return lowerSum;
}

/** Two entries of the Hadamard step: Z[j..j+1] ← Z ∘ Z1, lanes below lim zeroed; returns them. */
// @ts-ignore: decorator
@inline
function hadamardPair(z: usize, z1: usize, lim: v128): v128 {
  const p = f64x2.mul(v128.load(z), v128.load(z1));
  const q = v128.and(p, f64x2.ge(p, lim)); // keep lanes ≥ flushBelow, zero the rest
  v128.store(z, q);
  return q;
}

/** One entry of the Hadamard step (a row's odd last column): Z_ij ← Z_ij·Z1_ij, 0 below flushBelow. */
// @ts-ignore: decorator
@inline
function hadamardEntry(z: usize, z1: usize, flushBelow: f64): f64 {
  let v = load<f64>(z) * load<f64>(z1);
  if (v < flushBelow) v = 0;
  store<f64>(z, v);
  return v;
}

/**
 * Row i of hadamardRowSumsLower from column j0 (even) on, as symvRowFrom with x = 1: pairs j, j+1
 * (Hadamard first) into acc and into y_j, then the odd column, then y_i += s + Z_ii. Returns s, the
 * row's strictly lower sum.
 */
// @ts-ignore: decorator
@inline
function hadamardRowSumFrom(a: usize, b: usize, i: i32, j0: i32, y: usize, acc0: v128, lim: v128): f64 {
  let acc = acc0;
  let j = j0;
  for (; j + 2 <= i; j += 2) {
    const o = (<usize>j) << 3;
    const v = hadamardPair(a + o, b + o, lim);
    acc = f64x2.add(acc, v);
    v128.store(y + o, f64x2.add(v128.load(y + o), v));
  }
  let s = hsum64(acc);
  const flushBelow = f64x2.extract_lane(lim, 0);
  for (; j < i; j++) {
    const o = (<usize>j) << 3;
    const z = hadamardEntry(a + o, b + o, flushBelow);
    s += z;
    store<f64>(y + o, load<f64>(y + o) + z);
  }
  const yi = y + ((<usize>i) << 3);
  store<f64>(yi, load<f64>(yi) + s + load<f64>(a + ((<usize>i) << 3)));
  return s;
}

/**
 * The smallest positive and the largest entry of the strictly lower triangle (j < i) of D, stored at
 * out and out + 8 (+∞ and −∞ when there is none; n < 2). A selection, no arithmetic: the same values
 * as the scalar scan `if (v > 0 && v < min) min = v; if (v > max) max = v` in any order. NaN is never
 * taken: v > 0 is false for it, and pmax(a, NaN) keeps a.
 */
export function lowerMinMax(D: usize, n: i32, out: usize): void {
  const dn = (<usize>n) << 3;
  const inf = f64x2.splat(Infinity);
  const zero = f64x2.splat(0);
  let mn = inf;
  let mx = f64x2.splat(-Infinity);
  let smin: f64 = Infinity;
  let smax: f64 = -Infinity;
  for (let i = 1; i < n; i++) {
    const r = D + (<usize>i) * dn;
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      const v = v128.load(r + ((<usize>j) << 3));
      mn = f64x2.pmin(mn, v128.bitselect(v, inf, f64x2.gt(v, zero))); // b < a ? b : a
      mx = f64x2.pmax(mx, v); // a < b ? b : a
    }
    for (; j < i; j++) {
      const v = load<f64>(r + ((<usize>j) << 3));
      if (v > 0 && v < smin) smin = v;
      if (v > smax) smax = v;
    }
  }
  smin = min(smin, min(f64x2.extract_lane(mn, 0), f64x2.extract_lane(mn, 1)));
  smax = max(smax, max(f64x2.extract_lane(mx, 0), f64x2.extract_lane(mx, 1)));
  store<f64>(out, smin);
  store<f64>(out, smax, 8);
}

/** Copy the lower triangle of an f64 matrix into an f32 matrix (same n). */
export function lowerToF32(A: usize, B: usize, n: i32): void {
  const dn = (<usize>n) << 3;
  const fn = (<usize>n) << 2;
  for (let i = 0; i < n; i++) {
    const a = A + (<usize>i) * dn;
    const b = B + (<usize>i) * fn;
    let j = 0;
    for (; j + 4 <= i + 1; j += 4) {
      const lo = f32x4.demote_f64x2_zero(v128.load(a + ((<usize>j) << 3)));
      const hi = f32x4.demote_f64x2_zero(v128.load(a + ((<usize>j) << 3) + 16));
      v128.store(b + ((<usize>j) << 2), v128.shuffle<i32>(lo, hi, 0, 1, 4, 5));
    }
    for (; j <= i; j++) store<f32>(b + ((<usize>j) << 2), <f32>load<f64>(a + ((<usize>j) << 3)));
  }
}

/** Copy the lower triangle (j ≤ i) of A into B, f64. */
export function copyLower64(A: usize, B: usize, n: i32): void {
  const dn = (<usize>n) << 3;
  for (let i = 0; i < n; i++) {
    memory.copy(B + (<usize>i) * dn, A + (<usize>i) * dn, (<usize>(i + 1)) << 3);
  }
}

// ---------------------------------------------------------------------------------------------
// Symmetric mat-vec from the lower triangle: y = A x. Each stored entry is read once (half the
// memory traffic of a full mat-vec; the kernel is memory-bound).

/**
 * y = A·x for symmetric A (lower triangle stored, row stride n), f64. Rows go in blocks of four:
 * over the columns all four rows have (j < i0), one pass loads each x and y pair once for four rows of
 * A (7 memory operations per 8 entries instead of 16: the row-at-a-time loop was bound by loads and
 * stores, not by memory). The rest of each row then runs as before, in row order. Every sum is formed
 * in the order of the row-at-a-time loop (row i's dot product over pairs j, j+1 into its own two
 * lanes; y_j += a_ij·x_i in ascending i), so the result is bit-identical to it.
 */
export function symvLower64(A: usize, n: i32, x: usize, y: usize): void {
  const dn = (<usize>n) << 3;
  memory.fill(y, 0, dn);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = A + (<usize>i) * dn;
    const a1 = a0 + dn;
    const a2 = a1 + dn;
    const a3 = a2 + dn;
    const xi = x + ((<usize>i) << 3);
    const x0 = f64x2.splat(load<f64>(xi));
    const x1 = f64x2.splat(load<f64>(xi, 8));
    const x2 = f64x2.splat(load<f64>(xi, 16));
    const x3 = f64x2.splat(load<f64>(xi, 24));
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let c2 = f64x2.splat(0);
    let c3 = f64x2.splat(0);
    for (let j = 0; j < i; j += 2) {
      // i is a multiple of 4: the common columns come in whole pairs
      const o = (<usize>j) << 3;
      const xv = v128.load(x + o);
      const v0 = v128.load(a0 + o);
      const v1 = v128.load(a1 + o);
      const v2 = v128.load(a2 + o);
      const v3 = v128.load(a3 + o);
      c0 = madd64(v0, xv, c0);
      c1 = madd64(v1, xv, c1);
      c2 = madd64(v2, xv, c2);
      c3 = madd64(v3, xv, c3);
      let yv = v128.load(y + o);
      yv = madd64(v0, x0, yv);
      yv = madd64(v1, x1, yv);
      yv = madd64(v2, x2, yv);
      yv = madd64(v3, x3, yv);
      v128.store(y + o, yv);
    }
    symvRowFrom(a0, i, i, x, y, c0);
    symvRowFrom(a1, i + 1, i, x, y, c1);
    symvRowFrom(a2, i + 2, i, x, y, c2);
    symvRowFrom(a3, i + 3, i, x, y, c3);
  }
  for (; i < n; i++) symvRowFrom(A + (<usize>i) * dn, i, 0, x, y, f64x2.splat(0));
}

/**
 * Row i of symvLower64 from column j0 (even) on, its dot product over the columns before j0 already in
 * the two lanes of acc: pairs j, j+1 into acc, y_j += a_ij·x_i, then the odd column, then y_i.
 */
// @ts-ignore: decorator
@inline
function symvRowFrom(a: usize, i: i32, j0: i32, x: usize, y: usize, acc0: v128): void {
  const xi = load<f64>(x + ((<usize>i) << 3));
  const xiv = f64x2.splat(xi);
  let acc = acc0;
  let j = j0;
  for (; j + 2 <= i; j += 2) {
    const o = (<usize>j) << 3;
    const av = v128.load(a + o);
    acc = madd64(av, v128.load(x + o), acc);
    v128.store(y + o, madd64(av, xiv, v128.load(y + o)));
  }
  let s = hsum64(acc);
  for (; j < i; j++) {
    const o = (<usize>j) << 3;
    const av = load<f64>(a + o);
    s += av * load<f64>(x + o);
    store<f64>(y + o, load<f64>(y + o) + av * xi);
  }
  const yi = y + ((<usize>i) << 3);
  store<f64>(yi, load<f64>(yi) + s + load<f64>(a + ((<usize>i) << 3)) * xi);
}

export function symvLower32(A: usize, n: i32, x: usize, y: usize): void {
  const fn = (<usize>n) << 2;
  memory.fill(y, 0, fn);
  for (let i = 0; i < n; i++) {
    const a = A + (<usize>i) * fn;
    const xi = load<f32>(x + ((<usize>i) << 2));
    const xiv = f32x4.splat(xi);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= i; j += 4) {
      const o = (<usize>j) << 2;
      const av = v128.load(a + o);
      acc = f32x4.add(acc, f32x4.mul(av, v128.load(x + o)));
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, xiv)));
    }
    let s = hsum32(acc);
    for (; j < i; j++) {
      const o = (<usize>j) << 2;
      const av = load<f32>(a + o);
      s += av * load<f32>(x + o);
      store<f32>(y + o, load<f32>(y + o) + av * xi);
    }
    const yi = y + ((<usize>i) << 2);
    store<f32>(yi, load<f32>(yi) + s + load<f32>(a + ((<usize>i) << 2)) * xi);
  }
}

/**
 * Σ_ij w_i w_j D_ij Z_ij over the full symmetric matrices (lower triangle stored; diagonal D = 0).
 * This is −d/dt (wᵀ Z_t w); with w = Z⁻¹1 it gives dMag/dt = wᵀ (D∘Z) w.
 */
export function quadDZ(D: usize, Z: usize, n: i32, w: usize): f64 {
  const dn = (<usize>n) << 3;
  let total: f64 = 0;
  for (let i = 1; i < n; i++) {
    const dr = D + (<usize>i) * dn;
    const zr = Z + (<usize>i) * dn;
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      const o = (<usize>j) << 3;
      acc = f64x2.add(acc, f64x2.mul(f64x2.mul(v128.load(dr + o), v128.load(zr + o)), v128.load(w + o)));
    }
    let s = hsum64(acc);
    for (; j < i; j++) {
      const o = (<usize>j) << 3;
      s += load<f64>(dr + o) * load<f64>(zr + o) * load<f64>(w + o);
    }
    total += s * load<f64>(w + ((<usize>i) << 3));
  }
  return 2 * total;
}

// ---------------------------------------------------------------------------------------------
// Blocked right-looking Cholesky, lower triangle in place: A = L·Lᵀ.
// Returns 0 on success, or k+1 when the k-th pivot is not positive (A not numerically PD).
// Per block of nb columns: factor the diagonal block and the panel below it column by column
// (dot products along contiguous row segments), then the trailing update
// A[i,j] −= Σ_{k in block} L[i,k]·L[j,k] (a SYRK) with 4×2 register tiles.

export function cholesky64(A: usize, n: i32, nb: i32): i32 {
  const dn = (<usize>n) << 3;
  for (let k0 = 0; k0 < n; k0 += nb) {
    const b = min(nb, n - k0);
    const kOff = (<usize>k0) << 3;
    for (let j = k0; j < k0 + b; j++) {
      const rj = A + (<usize>j) * dn;
      const len = j - k0;
      const s = load<f64>(rj + ((<usize>j) << 3)) - dot64(rj + kOff, rj + kOff, len);
      if (!(s > 0)) return j + 1;
      const ljj = Math.sqrt(s);
      store<f64>(rj + ((<usize>j) << 3), ljj);
      const inv = 1.0 / ljj;
      const jOff = (<usize>j) << 3;
      for (let i = j + 1; i < n; i++) {
        const ri = A + (<usize>i) * dn;
        store<f64>(ri + jOff, (load<f64>(ri + jOff) - dot64(ri + kOff, rj + kOff, len)) * inv);
      }
    }
    const s0 = k0 + b;
    if (s0 < n) syrkLower64(A, dn, s0, n, kOff, b);
  }
  return 0;
}

/** A[i,j] −= Σ_{k<b} A[i, k0+k]·A[j, k0+k] for s0 ≤ j ≤ i < n. */
function syrkLower64(A: usize, dn: usize, s0: i32, n: i32, kOff: usize, b: i32): void {
  let i0 = s0;
  for (; i0 + 4 <= n; i0 += 4) {
    const r0 = A + (<usize>i0) * dn;
    const r1 = r0 + dn;
    const r2 = r1 + dn;
    const r3 = r2 + dn;
    const p0 = r0 + kOff, p1 = r1 + kOff, p2 = r2 + kOff, p3 = r3 + kOff;
    let j = s0;
    for (; j + 2 <= i0 + 4; j += 2) {
      const q0 = A + (<usize>j) * dn + kOff;
      const q1 = q0 + dn;
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0);
      let a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0);
      let a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      let k = 0;
      for (; k + 2 <= b; k += 2) {
        const o = (<usize>k) << 3;
        const b0 = v128.load(q0 + o);
        const b1 = v128.load(q1 + o);
        const c0 = v128.load(p0 + o);
        a00 = f64x2.add(a00, f64x2.mul(c0, b0));
        a01 = f64x2.add(a01, f64x2.mul(c0, b1));
        const c1 = v128.load(p1 + o);
        a10 = f64x2.add(a10, f64x2.mul(c1, b0));
        a11 = f64x2.add(a11, f64x2.mul(c1, b1));
        const c2 = v128.load(p2 + o);
        a20 = f64x2.add(a20, f64x2.mul(c2, b0));
        a21 = f64x2.add(a21, f64x2.mul(c2, b1));
        const c3 = v128.load(p3 + o);
        a30 = f64x2.add(a30, f64x2.mul(c3, b0));
        a31 = f64x2.add(a31, f64x2.mul(c3, b1));
      }
      let g00 = hsum64(a00), g01 = hsum64(a01), g10 = hsum64(a10), g11 = hsum64(a11);
      let g20 = hsum64(a20), g21 = hsum64(a21), g30 = hsum64(a30), g31 = hsum64(a31);
      if (k < b) {
        const o = (<usize>k) << 3;
        const b0 = load<f64>(q0 + o), b1 = load<f64>(q1 + o);
        const c0 = load<f64>(p0 + o), c1 = load<f64>(p1 + o), c2 = load<f64>(p2 + o), c3 = load<f64>(p3 + o);
        g00 += c0 * b0; g01 += c0 * b1; g10 += c1 * b0; g11 += c1 * b1;
        g20 += c2 * b0; g21 += c2 * b1; g30 += c3 * b0; g31 += c3 * b1;
      }
      // entries with j > i fall in the upper triangle (scratch); updating them is harmless
      const jo = (<usize>j) << 3;
      store<f64>(r0 + jo, load<f64>(r0 + jo) - g00);
      store<f64>(r0 + jo + 8, load<f64>(r0 + jo + 8) - g01);
      store<f64>(r1 + jo, load<f64>(r1 + jo) - g10);
      store<f64>(r1 + jo + 8, load<f64>(r1 + jo + 8) - g11);
      store<f64>(r2 + jo, load<f64>(r2 + jo) - g20);
      store<f64>(r2 + jo + 8, load<f64>(r2 + jo + 8) - g21);
      store<f64>(r3 + jo, load<f64>(r3 + jo) - g30);
      store<f64>(r3 + jo + 8, load<f64>(r3 + jo + 8) - g31);
    }
    for (; j < i0 + 4; j++) {
      // odd leftover column (only when i0+4−s0 is odd)
      const q = A + (<usize>j) * dn + kOff;
      const jo = (<usize>j) << 3;
      store<f64>(r0 + jo, load<f64>(r0 + jo) - dot64(p0, q, b));
      store<f64>(r1 + jo, load<f64>(r1 + jo) - dot64(p1, q, b));
      store<f64>(r2 + jo, load<f64>(r2 + jo) - dot64(p2, q, b));
      store<f64>(r3 + jo, load<f64>(r3 + jo) - dot64(p3, q, b));
    }
  }
  for (let i = i0; i < n; i++) {
    const ri = A + (<usize>i) * dn;
    for (let j = s0; j <= i; j++) {
      const jo = (<usize>j) << 3;
      store<f64>(ri + jo, load<f64>(ri + jo) - dot64(ri + kOff, A + (<usize>j) * dn + kOff, b));
    }
  }
}

export function cholesky32(A: usize, n: i32, nb: i32): i32 {
  const fn = (<usize>n) << 2;
  for (let k0 = 0; k0 < n; k0 += nb) {
    const b = min(nb, n - k0);
    const kOff = (<usize>k0) << 2;
    for (let j = k0; j < k0 + b; j++) {
      const rj = A + (<usize>j) * fn;
      const len = j - k0;
      const s = load<f32>(rj + ((<usize>j) << 2)) - dot32(rj + kOff, rj + kOff, len);
      if (!(s > 0)) return j + 1;
      const ljj = Mathf.sqrt(s);
      store<f32>(rj + ((<usize>j) << 2), ljj);
      const inv: f32 = 1.0 / ljj;
      const jOff = (<usize>j) << 2;
      for (let i = j + 1; i < n; i++) {
        const ri = A + (<usize>i) * fn;
        store<f32>(ri + jOff, (load<f32>(ri + jOff) - dot32(ri + kOff, rj + kOff, len)) * inv);
      }
    }
    const s0 = k0 + b;
    if (s0 < n) syrkLower32(A, fn, s0, n, kOff, b);
  }
  return 0;
}

function syrkLower32(A: usize, fn: usize, s0: i32, n: i32, kOff: usize, b: i32): void {
  let i0 = s0;
  for (; i0 + 4 <= n; i0 += 4) {
    const r0 = A + (<usize>i0) * fn;
    const r1 = r0 + fn;
    const r2 = r1 + fn;
    const r3 = r2 + fn;
    const p0 = r0 + kOff, p1 = r1 + kOff, p2 = r2 + kOff, p3 = r3 + kOff;
    let j = s0;
    for (; j + 2 <= i0 + 4; j += 2) {
      const q0 = A + (<usize>j) * fn + kOff;
      const q1 = q0 + fn;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
      let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
      let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= b; k += 4) {
        const o = (<usize>k) << 2;
        const b0 = v128.load(q0 + o);
        const b1 = v128.load(q1 + o);
        const c0 = v128.load(p0 + o);
        a00 = f32x4.add(a00, f32x4.mul(c0, b0));
        a01 = f32x4.add(a01, f32x4.mul(c0, b1));
        const c1 = v128.load(p1 + o);
        a10 = f32x4.add(a10, f32x4.mul(c1, b0));
        a11 = f32x4.add(a11, f32x4.mul(c1, b1));
        const c2 = v128.load(p2 + o);
        a20 = f32x4.add(a20, f32x4.mul(c2, b0));
        a21 = f32x4.add(a21, f32x4.mul(c2, b1));
        const c3 = v128.load(p3 + o);
        a30 = f32x4.add(a30, f32x4.mul(c3, b0));
        a31 = f32x4.add(a31, f32x4.mul(c3, b1));
      }
      let g00 = hsum32(a00), g01 = hsum32(a01), g10 = hsum32(a10), g11 = hsum32(a11);
      let g20 = hsum32(a20), g21 = hsum32(a21), g30 = hsum32(a30), g31 = hsum32(a31);
      for (; k < b; k++) {
        const o = (<usize>k) << 2;
        const b0 = load<f32>(q0 + o), b1 = load<f32>(q1 + o);
        const c0 = load<f32>(p0 + o), c1 = load<f32>(p1 + o), c2 = load<f32>(p2 + o), c3 = load<f32>(p3 + o);
        g00 += c0 * b0; g01 += c0 * b1; g10 += c1 * b0; g11 += c1 * b1;
        g20 += c2 * b0; g21 += c2 * b1; g30 += c3 * b0; g31 += c3 * b1;
      }
      const jo = (<usize>j) << 2;
      store<f32>(r0 + jo, load<f32>(r0 + jo) - g00);
      store<f32>(r0 + jo + 4, load<f32>(r0 + jo + 4) - g01);
      store<f32>(r1 + jo, load<f32>(r1 + jo) - g10);
      store<f32>(r1 + jo + 4, load<f32>(r1 + jo + 4) - g11);
      store<f32>(r2 + jo, load<f32>(r2 + jo) - g20);
      store<f32>(r2 + jo + 4, load<f32>(r2 + jo + 4) - g21);
      store<f32>(r3 + jo, load<f32>(r3 + jo) - g30);
      store<f32>(r3 + jo + 4, load<f32>(r3 + jo + 4) - g31);
    }
    for (; j < i0 + 4; j++) {
      const q = A + (<usize>j) * fn + kOff;
      const jo = (<usize>j) << 2;
      store<f32>(r0 + jo, load<f32>(r0 + jo) - dot32(p0, q, b));
      store<f32>(r1 + jo, load<f32>(r1 + jo) - dot32(p1, q, b));
      store<f32>(r2 + jo, load<f32>(r2 + jo) - dot32(p2, q, b));
      store<f32>(r3 + jo, load<f32>(r3 + jo) - dot32(p3, q, b));
    }
  }
  for (let i = i0; i < n; i++) {
    const ri = A + (<usize>i) * fn;
    for (let j = s0; j <= i; j++) {
      const jo = (<usize>j) << 2;
      store<f32>(ri + jo, load<f32>(ri + jo) - dot32(ri + kOff, A + (<usize>j) * fn + kOff, b));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Triangular solves with the Cholesky factor (lower triangle of L), in place on b.

/** L y = b: y_i = (b_i − Σ_{k<i} L[i,k] y_k) / L[i,i]. */
export function solveLower64(L: usize, n: i32, b: usize): void {
  const dn = (<usize>n) << 3;
  for (let i = 0; i < n; i++) {
    const r = L + (<usize>i) * dn;
    const bi = b + ((<usize>i) << 3);
    store<f64>(bi, (load<f64>(bi) - dot64(r, b, i)) / load<f64>(r + ((<usize>i) << 3)));
  }
}

/** Lᵀ x = y, column form: x_i = y_i / L[i,i], then y_{0..i−1} −= x_i · L[i, 0..i−1]. */
export function solveLowerT64(L: usize, n: i32, b: usize): void {
  const dn = (<usize>n) << 3;
  for (let i = n - 1; i >= 0; i--) {
    const r = L + (<usize>i) * dn;
    const bi = b + ((<usize>i) << 3);
    const xi = load<f64>(bi) / load<f64>(r + ((<usize>i) << 3));
    store<f64>(bi, xi);
    const xv = f64x2.splat(xi);
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(xv, v128.load(r + o))));
    }
    for (; j < i; j++) {
      const o = (<usize>j) << 3;
      store<f64>(b + o, load<f64>(b + o) - xi * load<f64>(r + o));
    }
  }
}

/**
 * L y = b in f32, four rows at a time: rows i..i+3 share one pass over b[0, v) (v = 8·⌊i/8⌋), each
 * with dot32's two accumulators, so b is loaded once per four rows instead of once per row (the
 * row-at-a-time form was bound by its loads). Each row then adds dot32's scalar tail k ∈ [v, r) in
 * order, over entries already solved: every y_r is computed by the same operations as
 * `y_r = (b_r − dot32(L[r], y, r)) / L[r,r]`, so the result is bit-identical to the row form.
 */
export function solveLower32(L: usize, n: i32, b: usize): void {
  const fn = (<usize>n) << 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = L + (<usize>i) * fn;
    const r1 = r0 + fn;
    const r2 = r1 + fn;
    const r3 = r2 + fn;
    const v = i & ~7; // dot32's vector part of rows i..i+3 (their lengths i..i+3 share ⌊len/8⌋)
    let a0 = f32x4.splat(0), c0 = f32x4.splat(0);
    let a1 = f32x4.splat(0), c1 = f32x4.splat(0);
    let a2 = f32x4.splat(0), c2 = f32x4.splat(0);
    let a3 = f32x4.splat(0), c3 = f32x4.splat(0);
    for (let k = 0; k < v; k += 8) {
      const o = (<usize>k) << 2;
      const x = v128.load(b + o);
      const y = v128.load(b + o + 16);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(r0 + o), x));
      c0 = f32x4.add(c0, f32x4.mul(v128.load(r0 + o + 16), y));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(r1 + o), x));
      c1 = f32x4.add(c1, f32x4.mul(v128.load(r1 + o + 16), y));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(r2 + o), x));
      c2 = f32x4.add(c2, f32x4.mul(v128.load(r2 + o + 16), y));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(r3 + o), x));
      c3 = f32x4.add(c3, f32x4.mul(v128.load(r3 + o + 16), y));
    }
    solveRowTail32(r0, b, i, v, hsum32(f32x4.add(a0, c0)));
    solveRowTail32(r1, b, i + 1, v, hsum32(f32x4.add(a1, c1)));
    solveRowTail32(r2, b, i + 2, v, hsum32(f32x4.add(a2, c2)));
    solveRowTail32(r3, b, i + 3, v, hsum32(f32x4.add(a3, c3)));
  }
  for (; i < n; i++) {
    const r = L + (<usize>i) * fn;
    const bi = b + ((<usize>i) << 2);
    store<f32>(bi, (load<f32>(bi) - dot32(r, b, i)) / load<f32>(r + ((<usize>i) << 2)));
  }
}

/** Row `row` of solveLower32: s (the vector part's sum) plus L[row,k]·y_k for k ∈ [v, row), then y_row. */
// @ts-ignore: decorator
@inline
function solveRowTail32(r: usize, b: usize, row: i32, v: i32, s: f32): void {
  for (let k = v; k < row; k++) {
    const o = (<usize>k) << 2;
    s += load<f32>(r + o) * load<f32>(b + o);
  }
  const bi = b + ((<usize>row) << 2);
  store<f32>(bi, (load<f32>(bi) - s) / load<f32>(r + ((<usize>row) << 2)));
}

/**
 * Lᵀ x = y in f32, column form: x_i = y_i / L[i,i], then y_{0..i−1} −= x_i · L[i, 0..i−1]. Four rows
 * at a time: the top rows go one by one until the rows left are a multiple of four; then for rows
 * i, i−1, i−2, i−3 the four x's are found first (each update inside the block as in the row form),
 * and y_j for j < i−3 is loaded once, has the four products subtracted in the row form's order
 * (row i first) and is stored once: the same operations per entry, so bit-identical to the row form
 * with a quarter of its loads and stores of y (which bound it).
 */
export function solveLowerT32(L: usize, n: i32, b: usize): void {
  const fn = (<usize>n) << 2;
  let i = n - 1;
  for (; i >= 0 && ((i + 1) & 3) != 0; i--) axpyRowT32(L + (<usize>i) * fn, b, i, 0);
  for (; i >= 3; i -= 4) {
    const r0 = L + (<usize>i) * fn;
    const r1 = r0 - fn;
    const r2 = r1 - fn;
    const r3 = r2 - fn;
    // inside the block: rows i, i−1, i−2 update only the entries i−1 … i−3 before their solve
    const x0 = axpyRowT32(r0, b, i, i - 3);
    const x1 = axpyRowT32(r1, b, i - 1, i - 3);
    const x2 = axpyRowT32(r2, b, i - 2, i - 3);
    const x3 = load<f32>(b + ((<usize>(i - 3)) << 2)) / load<f32>(r3 + ((<usize>(i - 3)) << 2));
    store<f32>(b + ((<usize>(i - 3)) << 2), x3);
    const v0 = f32x4.splat(x0), v1 = f32x4.splat(x1), v2 = f32x4.splat(x2), v3 = f32x4.splat(x3);
    const end = i - 3; // a multiple of 4: no scalar tail
    for (let j = 0; j < end; j += 4) {
      const o = (<usize>j) << 2;
      let y = v128.load(b + o);
      y = f32x4.sub(y, f32x4.mul(v0, v128.load(r0 + o)));
      y = f32x4.sub(y, f32x4.mul(v1, v128.load(r1 + o)));
      y = f32x4.sub(y, f32x4.mul(v2, v128.load(r2 + o)));
      y = f32x4.sub(y, f32x4.mul(v3, v128.load(r3 + o)));
      v128.store(b + o, y);
    }
  }
}

/**
 * One row of the column form: x = y_row / L[row,row], stored, then y_j −= x·L[row,j] for
 * from ≤ j < row (four lanes at a time from `from`, then one by one); returns x.
 */
// @ts-ignore: decorator
@inline
function axpyRowT32(r: usize, b: usize, row: i32, from: i32): f32 {
  const bi = b + ((<usize>row) << 2);
  const xi = load<f32>(bi) / load<f32>(r + ((<usize>row) << 2));
  store<f32>(bi, xi);
  const xv = f32x4.splat(xi);
  let j = from;
  for (; j + 4 <= row; j += 4) {
    const o = (<usize>j) << 2;
    v128.store(b + o, f32x4.sub(v128.load(b + o), f32x4.mul(xv, v128.load(r + o))));
  }
  for (; j < row; j++) {
    const o = (<usize>j) << 2;
    store<f32>(b + o, load<f32>(b + o) - xi * load<f32>(r + o));
  }
  return xi;
}
