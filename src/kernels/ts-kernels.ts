import type { DenseKernels } from "./types.js";

/**
 * Plain-TypeScript kernels with the semantics of assembly/kernels.as (same formulas, same
 * lower-triangle conventions, same flushing and recompute rules; summation order may differ, so
 * results agree to rounding, not bit for bit). Used when WebAssembly is unavailable and in tests.
 */
export function createTsKernels(initialBytes = 1 << 16): DenseKernels {
  let buf = new ArrayBuffer(initialBytes);
  let f64 = new Float64Array(buf);
  let f32 = new Float32Array(buf);
  const heapBase = 16;

  const dot64 = (a: number, b: number, len: number): number => {
    let s = 0;
    for (let k = 0; k < len; k++) s += f64[a + k] * f64[b + k];
    return s;
  };
  const dot32 = (a: number, b: number, len: number): number => {
    let s = 0;
    for (let k = 0; k < len; k++) s = Math.fround(s + Math.fround(f32[a + k] * f32[b + k]));
    return s;
  };
  /** y = Z·1 from the lower triangle of Z (the row sums of the symmetric matrix). */
  const rowSumsLower = (Z: number, n: number, Y: number): void => {
    const z = Z >> 3;
    const y = Y >> 3;
    for (let i = 0; i < n; i++) f64[y + i] = f64[z + i * n + i];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        f64[y + i] += f64[z + i * n + j];
        f64[y + j] += f64[z + i * n + j];
      }
    }
  };

  const k: DenseKernels = {
    kind: "ts",
    heapBase,
    buffer: () => buf,
    growTo(bytes: number) {
      if (bytes <= buf.byteLength) return;
      const next = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
      new Uint8Array(next).set(new Uint8Array(buf));
      buf = next;
      f64 = new Float64Array(buf);
      f32 = new Float32Array(buf);
    },
    rowSquaredNorms(X, n, d, norms) {
      const x = X >> 3;
      for (let i = 0; i < n; i++) f64[(norms >> 3) + i] = dot64(x + i * d, x + i * d, d);
    },
    distancesLower(X, Xraw, n, d, norms, D, relRecompute) {
      const x = X >> 3;
      const xr = Xraw >> 3;
      const nm = norms >> 3;
      const dd = D >> 3;
      for (let i = 0; i < n; i++) {
        f64[dd + i * n + i] = 0;
        for (let j = 0; j < i; j++) {
          const ni = f64[nm + i];
          const nj = f64[nm + j];
          let s = ni + nj - 2 * dot64(x + i * d, x + j * d, d);
          if (s < relRecompute * (ni + nj)) {
            s = 0;
            for (let c = 0; c < d; c++) {
              const e = f64[xr + i * d + c] - f64[xr + j * d + c];
              s += e * e;
            }
          }
          f64[dd + i * n + j] = Math.sqrt(s);
        }
      }
    },
    closestPairLower(D, n) {
      const dd = D >> 3;
      let best = Number.POSITIVE_INFINITY;
      let at = -1;
      for (let i = 1; i < n; i++) {
        for (let j = 0; j < i; j++) {
          const v = f64[dd + i * n + j];
          if (v < best) {
            best = v;
            at = i * n + j;
          }
        }
      }
      return at;
    },
    lowerMinMax(D, n, out) {
      const dd = D >> 3;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 1; i < n; i++) {
        for (let j = 0; j < i; j++) {
          const v = f64[dd + i * n + j];
          if (v > 0 && v < min) min = v;
          if (v > max) max = v;
        }
      }
      f64[out >> 3] = min;
      f64[(out >> 3) + 1] = max;
    },
    expNegLower(D, Z, n, t, flushBelow) {
      const dd = D >> 3;
      const z = Z >> 3;
      let total = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          let v = Math.exp(-t * f64[dd + i * n + j]);
          if (v < flushBelow) v = 0;
          f64[z + i * n + j] = v;
          total += v;
        }
        f64[z + i * n + i] = 1;
      }
      return total;
    },
    hadamardLower(Z, Z1, n, flushBelow) {
      const z = Z >> 3;
      const z1 = Z1 >> 3;
      let total = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          let v = f64[z + i * n + j] * f64[z1 + i * n + j];
          if (v < flushBelow) v = 0;
          f64[z + i * n + j] = v;
          total += v;
        }
      }
      return total;
    },
    hadamardRowSumsLower(Z, Z1, n, flushBelow, Y) {
      const total = k.hadamardLower(Z, Z1, n, flushBelow);
      rowSumsLower(Z, n, Y);
      return total;
    },
    expNegRowSumsLower(D, Z, n, t, flushBelow, Y) {
      const total = k.expNegLower(D, Z, n, t, flushBelow);
      rowSumsLower(Z, n, Y);
      return total;
    },
    lowerToF32(A, B, n) {
      const a = A >> 3;
      const b = B >> 2;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) f32[b + i * n + j] = f64[a + i * n + j];
    },
    copyLower64(A, B, n) {
      const a = A >> 3;
      const b = B >> 3;
      for (let i = 0; i < n; i++) f64.copyWithin(b + i * n, a + i * n, a + i * n + i + 1);
    },
    symvLower64(A, n, x, y) {
      const a = A >> 3;
      const xv = x >> 3;
      const yv = y >> 3;
      f64.fill(0, yv, yv + n);
      for (let i = 0; i < n; i++) {
        const xi = f64[xv + i];
        let s = 0;
        for (let j = 0; j < i; j++) {
          const v = f64[a + i * n + j];
          s += v * f64[xv + j];
          f64[yv + j] += v * xi;
        }
        f64[yv + i] += s + f64[a + i * n + i] * xi;
      }
    },
    symvLower32(A, n, x, y) {
      const a = A >> 2;
      const xv = x >> 2;
      const yv = y >> 2;
      f32.fill(0, yv, yv + n);
      for (let i = 0; i < n; i++) {
        const xi = f32[xv + i];
        let s = 0;
        for (let j = 0; j < i; j++) {
          const v = f32[a + i * n + j];
          s = Math.fround(s + Math.fround(v * f32[xv + j]));
          f32[yv + j] += v * xi;
        }
        f32[yv + i] += s + f32[a + i * n + i] * xi;
      }
    },
    quadDZ(D, Z, n, w) {
      const dd = D >> 3;
      const z = Z >> 3;
      const wv = w >> 3;
      let total = 0;
      for (let i = 1; i < n; i++) {
        let s = 0;
        for (let j = 0; j < i; j++) s += f64[dd + i * n + j] * f64[z + i * n + j] * f64[wv + j];
        total += s * f64[wv + i];
      }
      return 2 * total;
    },
    cholesky64(A, n) {
      // unblocked dot-product (Cholesky–Crout) form: same result up to summation order
      const a = A >> 3;
      for (let j = 0; j < n; j++) {
        const rj = a + j * n;
        const s = f64[rj + j] - dot64(rj, rj, j);
        if (!(s > 0)) return j + 1;
        const ljj = Math.sqrt(s);
        f64[rj + j] = ljj;
        for (let i = j + 1; i < n; i++) {
          const ri = a + i * n;
          f64[ri + j] = (f64[ri + j] - dot64(ri, rj, j)) / ljj;
        }
      }
      return 0;
    },
    cholesky32(A, n) {
      const a = A >> 2;
      for (let j = 0; j < n; j++) {
        const rj = a + j * n;
        const s = Math.fround(f32[rj + j] - dot32(rj, rj, j));
        if (!(s > 0)) return j + 1;
        const ljj = Math.fround(Math.sqrt(s));
        f32[rj + j] = ljj;
        for (let i = j + 1; i < n; i++) {
          const ri = a + i * n;
          f32[ri + j] = Math.fround(f32[ri + j] - dot32(ri, rj, j)) / ljj;
        }
      }
      return 0;
    },
    solveLower64(L, n, b) {
      const l = L >> 3;
      const bv = b >> 3;
      for (let i = 0; i < n; i++) f64[bv + i] = (f64[bv + i] - dot64(l + i * n, bv, i)) / f64[l + i * n + i];
    },
    solveLowerT64(L, n, b) {
      const l = L >> 3;
      const bv = b >> 3;
      for (let i = n - 1; i >= 0; i--) {
        const xi = f64[bv + i] / f64[l + i * n + i];
        f64[bv + i] = xi;
        for (let j = 0; j < i; j++) f64[bv + j] -= xi * f64[l + i * n + j];
      }
    },
    solveLower32(L, n, b) {
      const l = L >> 2;
      const bv = b >> 2;
      for (let i = 0; i < n; i++) {
        f32[bv + i] = Math.fround(f32[bv + i] - dot32(l + i * n, bv, i)) / f32[l + i * n + i];
      }
    },
    solveLowerT32(L, n, b) {
      const l = L >> 2;
      const bv = b >> 2;
      for (let i = n - 1; i >= 0; i--) {
        const xi = Math.fround(f32[bv + i] / f32[l + i * n + i]);
        f32[bv + i] = xi;
        for (let j = 0; j < i; j++) f32[bv + j] -= xi * f32[l + i * n + j];
      }
    },
  };
  return k;
}
