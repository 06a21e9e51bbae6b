/**
 * Float32 preconditioner factors kept from one cloud to the next of a sequence (issue 16: "reuse the
 * previous step's float32 factor as the preconditioner"). A training run logs a layer's activations on
 * the same probe rows at every step while the weights drift slowly, so Z_t of step s + 1 is close to
 * Z_t of step s, and the f32 Cholesky factor of one preconditions the other well. Measured on the
 * drifting ReLU clouds of bench/ (n = 1000, d = 64; bench/factor-reuse.ts): the factor of step s at the
 * same t takes PCG to 1e-12 in 4–5 iterations at step s + 1 and 5–6 at step s + 5 (2 with the cloud's own
 * factor), against one f32 factorisation ≈ 11 ms ≈ 70 mat-vecs.
 *
 * Correctness never rests on the match: any symmetric positive definite preconditioner gives PCG the
 * same stopping rule and error bound (pcg.ts), and a poor one only makes PCG give up early, after
 * which the solver factorises this cloud's Z as before.
 *
 * One cache per thread (module state: every worker thread has its own), keyed by the caller's
 * sequence name (sync: run and layer) and n; an entry is the factor and the dimensionless scale
 * t·D_max it was made at (clouds of a sequence may come in different units; Z = exp(−tD) is what the
 * factor approximates, and t·D is unit-free). Bounded: at most
 * FACTOR_CACHE_BYTES in all (least recently used entries go first), factors over a quarter of it
 * (n > 2048) are not kept, and one entry per sequence and nearby scale.
 */

/** Bytes of f32 factors one thread keeps (n = 1000: 16 factors of 4 MB; n = 2000: 4 of 16 MB). */
export const FACTOR_CACHE_BYTES = 64 * 2 ** 20;

/** Scales closer than this ratio share one entry (the newer factor replaces the older). */
const SAME_SCALE_RATIO = 1.2;

/** A cached factor is offered for scales within this ratio of its own (one fit-decade step is 1.33). */
export const BORROW_RATIO = 1.5;

export interface CachedFactor {
  readonly sequence: string;
  readonly n: number;
  readonly scale: number;
  readonly factor: Float32Array;
  /** PCG iterations at the last use of this factor (the solver's cost estimate for the next). */
  iterations: number;
}

const entries: CachedFactor[] = []; // least recently used first

function logRatio(a: number, b: number): number {
  return Math.abs(Math.log(a / b));
}

/** The cached factor of `sequence` with n rows nearest to scale t within BORROW_RATIO, or null. */
export function findFactor(sequence: string, n: number, t: number): CachedFactor | null {
  let best: CachedFactor | null = null;
  for (const e of entries) {
    if (e.sequence !== sequence || e.n !== n || logRatio(e.scale, t) > Math.log(BORROW_RATIO)) continue;
    if (best === null || logRatio(e.scale, t) < logRatio(best.scale, t)) best = e;
  }
  if (best !== null) touch(best);
  return best;
}

/**
 * Keep a copy of `factor` (an n×n f32 factor, read by the caller's `copy`) made at scale t for
 * `sequence`, replacing its entry at a nearby scale; evicts least recently used entries to stay within
 * FACTOR_CACHE_BYTES.
 */
export function storeFactor(
  sequence: string,
  n: number,
  t: number,
  iterations: number,
  copy: (into: Float32Array) => void,
): void {
  const bytes = n * n * 4;
  if (bytes > FACTOR_CACHE_BYTES / 4) return;
  const near = entries.findIndex(
    (e) => e.sequence === sequence && e.n === n && logRatio(e.scale, t) < Math.log(SAME_SCALE_RATIO),
  );
  // reuse the replaced entry's buffer (no 4·n² allocation per store)
  const reused = near >= 0 ? entries.splice(near, 1)[0]!.factor : null;
  let held = entries.reduce((s, e) => s + e.factor.byteLength, 0);
  while (entries.length > 0 && held + bytes > FACTOR_CACHE_BYTES) held -= entries.shift()!.factor.byteLength;
  const factor = reused ?? new Float32Array(n * n);
  copy(factor);
  entries.push({ sequence, n, scale: t, factor, iterations });
}

/**
 * Forget a factor whose loan failed (PCG gave up within the budget of a fresh factor): the clouds have
 * drifted from the one it was made for, and the fresh factor made instead takes its place. Loans on the
 * drifting clouds of bench/ take 4–6 iterations for about 15 steps and 7–9 after 50; a rule that
 * retired factors after 8 refactored once per cloud and cost more than the iterations it saved.
 */
export function dropFactor(e: CachedFactor): void {
  const at = entries.indexOf(e);
  if (at >= 0) entries.splice(at, 1);
}

function touch(e: CachedFactor): void {
  const at = entries.indexOf(e);
  if (at >= 0 && at < entries.length - 1) {
    entries.splice(at, 1);
    entries.push(e);
  }
}

/** Forget every cached factor (tests; a thread that will not see the sequences again). */
export function clearFactorCache(): void {
  entries.length = 0;
}

/** Bytes held now (tests, memory reports). */
export function factorCacheBytes(): number {
  return entries.reduce((s, e) => s + e.factor.byteLength, 0);
}
