// magtrack dense kernels, AssemblyScript → WebAssembly SIMD (128-bit: f64x2 / f32x4).
//
// Built by `npm run build:wasm` (asc -O3 --runtime stub --noAssert --enable simd). The file has the
// extension .as so that tsc and biome leave it alone; asc compiles it as AssemblyScript.
//
// Conventions (shared with the plain-TypeScript fallback in ../fallback.ts, same semantics):
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
        a00 = f64x2.add(a00, f64x2.mul(c0, b0));
        a01 = f64x2.add(a01, f64x2.mul(c0, b1));
        const c1 = v128.load(x1 + o);
        a10 = f64x2.add(a10, f64x2.mul(c1, b0));
        a11 = f64x2.add(a11, f64x2.mul(c1, b1));
        const c2 = v128.load(x2 + o);
        a20 = f64x2.add(a20, f64x2.mul(c2, b0));
        a21 = f64x2.add(a21, f64x2.mul(c2, b1));
        const c3 = v128.load(x3 + o);
        a30 = f64x2.add(a30, f64x2.mul(c3, b0));
        a31 = f64x2.add(a31, f64x2.mul(c3, b1));
      }
      let g00 = hsum64(a00), g01 = hsum64(a01), g10 = hsum64(a10), g11 = hsum64(a11);
      let g20 = hsum64(a20), g21 = hsum64(a21), g30 = hsum64(a30), g31 = hsum64(a31);
      if (k < d) {
        const o = (<usize>k) << 3;
        const b0 = load<f64>(y0 + o), b1 = load<f64>(y1 + o);
        const c0 = load<f64>(x0 + o), c1 = load<f64>(x1 + o), c2 = load<f64>(x2 + o), c3 = load<f64>(x3 + o);
        g00 += c0 * b0; g01 += c0 * b1; g10 += c1 * b0; g11 += c1 * b1;
        g20 += c2 * b0; g21 += c2 * b1; g30 += c3 * b0; g31 += c3 * b1;
      }
      gramToDistance(Xraw, d, norms, D, dn, i0, j, g00, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0, j + 1, g01, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0 + 1, j, g10, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0 + 1, j + 1, g11, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0 + 2, j, g20, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0 + 2, j + 1, g21, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0 + 3, j, g30, relRecompute);
      gramToDistance(Xraw, d, norms, D, dn, i0 + 3, j + 1, g31, relRecompute);
    }
  }
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
 * Z[i,j] = exp(−t·D[i,j]) for j ≤ i; entries below `flushBelow` become 0 (they would otherwise
 * drive later arithmetic into subnormals). Returns Σ_{j<i} Z[i,j] (strictly lower), so that
 * Σ_ij Z = n + 2·(returned value) for the Cauchy–Schwarz bound Mag ≥ n² / Σ Z.
 */
export function expNegLower(D: usize, Z: usize, n: i32, t: f64, flushBelow: f64): f64 {
  const dn = (<usize>n) << 3;
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const dr = D + (<usize>i) * dn;
    const zr = Z + (<usize>i) * dn;
    let s: f64 = 0;
    for (let j = 0; j < i; j++) {
      const o = (<usize>j) << 3;
      let z = Math.exp(-t * load<f64>(dr + o));
      if (z < flushBelow) z = 0;
      store<f64>(zr + o, z);
      s += z;
    }
    store<f64>(zr + ((<usize>i) << 3), 1.0);
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
      const p = f64x2.mul(v128.load(zr + o), v128.load(z1 + o));
      // keep lanes ≥ flushBelow, zero the rest
      const keep = f64x2.ge(p, lim);
      const q = v128.and(p, keep);
      v128.store(zr + o, q);
      tot = f64x2.add(tot, q);
    }
    for (; j < i; j++) {
      const o = (<usize>j) << 3;
      let z = load<f64>(zr + o) * load<f64>(z1 + o);
      if (z < flushBelow) z = 0;
      store<f64>(zr + o, z);
      total += z;
    }
  }
  return total + hsum64(tot);
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

export function symvLower64(A: usize, n: i32, x: usize, y: usize): void {
  const dn = (<usize>n) << 3;
  memory.fill(y, 0, dn);
  for (let i = 0; i < n; i++) {
    const a = A + (<usize>i) * dn;
    const xi = load<f64>(x + ((<usize>i) << 3));
    const xiv = f64x2.splat(xi);
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= i; j += 2) {
      const o = (<usize>j) << 3;
      const av = v128.load(a + o);
      acc = f64x2.add(acc, f64x2.mul(av, v128.load(x + o)));
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, xiv)));
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

export function solveLower32(L: usize, n: i32, b: usize): void {
  const fn = (<usize>n) << 2;
  for (let i = 0; i < n; i++) {
    const r = L + (<usize>i) * fn;
    const bi = b + ((<usize>i) << 2);
    store<f32>(bi, (load<f32>(bi) - dot32(r, b, i)) / load<f32>(r + ((<usize>i) << 2)));
  }
}

export function solveLowerT32(L: usize, n: i32, b: usize): void {
  const fn = (<usize>n) << 2;
  for (let i = n - 1; i >= 0; i--) {
    const r = L + (<usize>i) * fn;
    const bi = b + ((<usize>i) << 2);
    const xi = load<f32>(bi) / load<f32>(r + ((<usize>i) << 2));
    store<f32>(bi, xi);
    const xv = f32x4.splat(xi);
    let j = 0;
    for (; j + 4 <= i; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(b + o, f32x4.sub(v128.load(b + o), f32x4.mul(xv, v128.load(r + o))));
    }
    for (; j < i; j++) {
      const o = (<usize>j) << 2;
      store<f32>(b + o, load<f32>(b + o) - xi * load<f32>(r + o));
    }
  }
}
