import type { PointCloud } from "./types.js";

export interface DedupResult {
  /** The distinct rows, in order of first occurrence. */
  readonly points: PointCloud;
  /** keptIndices[k] = input row index of distinct row k (its first occurrence). */
  readonly keptIndices: Int32Array;
  /** representative[i] = distinct row index that input row i equals. */
  readonly representative: Int32Array;
  readonly duplicatesRemoved: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** FNV-1a style hash over the bit patterns of a row (−0 folded into +0 so that −0 == 0 as in numpy). */
function hashRow(data: Float64Array, offset: number, d: number): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < d; j++) {
    const v = data[offset + j];
    f64[0] = v === 0 ? 0 : v;
    h = Math.imul(h ^ u32[0], 0x01000193);
    h = Math.imul(h ^ u32[1], 0x01000193);
  }
  return h >>> 0;
}

function rowsEqual(data: Float64Array, a: number, b: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (data[a + j] !== data[b + j]) return false;
  return true;
}

/**
 * Remove exact duplicate rows (bitwise-equal values, with −0 = 0). The magnitude of a multiset is the
 * magnitude of its distinct points, and duplicates make Z_t singular, so they go before any solve.
 */
export function dedupRows(pc: PointCloud): DedupResult {
  const { data, n, d } = pc;
  const buckets = new Map<number, number[]>();
  const kept: number[] = [];
  const representative = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = hashRow(data, i * d, d);
    let bucket = buckets.get(h);
    if (bucket === undefined) {
      bucket = [];
      buckets.set(h, bucket);
    }
    let found = -1;
    for (const k of bucket) {
      if (rowsEqual(data, kept[k] * d, i * d, d)) {
        found = k;
        break;
      }
    }
    if (found < 0) {
      found = kept.length;
      kept.push(i);
      bucket.push(found);
    }
    representative[i] = found;
  }
  if (kept.length === n) {
    return { points: pc, keptIndices: Int32Array.from(kept), representative, duplicatesRemoved: 0 };
  }
  const out = new Float64Array(kept.length * d);
  for (let k = 0; k < kept.length; k++) out.set(data.subarray(kept[k] * d, kept[k] * d + d), k * d);
  return {
    points: { data: out, n: kept.length, d },
    keptIndices: Int32Array.from(kept),
    representative,
    duplicatesRemoved: n - kept.length,
  };
}
