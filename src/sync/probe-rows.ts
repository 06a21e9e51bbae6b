import type { PointCloud } from "../core/types.js";

/** FNV-1a 32-bit hash of a string: a stable seed from (run, layer) so every step uses the same rows. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit PRNG; returns u in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Choose `k` of `n` row indices by a partial Fisher–Yates shuffle seeded by `seedKey`, sorted ascending.
 * The choice depends only on (seedKey, n, k): for a fixed (run, layer) every step with the same number
 * of rows gets the same probe rows.
 */
export function chooseProbeRows(n: number, k: number, seedKey: string): Uint32Array {
  if (k >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(stableHash(seedKey));
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const tmp = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = tmp;
  }
  return idx.slice(0, k).sort();
}

export function selectRows(cloud: PointCloud, rows: Uint32Array): PointCloud {
  if (rows.length === cloud.n) return cloud;
  const { d } = cloud;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    data.set(cloud.data.subarray(r * d, r * d + d), i * d);
  });
  return { data, n: rows.length, d };
}
