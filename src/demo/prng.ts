/**
 * A tiny seeded PRNG for the demo (mulberry32: a 32-bit state advanced by the Weyl increment
 * 0x6D2B79F5, then two xor-shift-multiply rounds). Plenty for shuffling and toy data; not for
 * anything statistical or cryptographic. `uniform` uses only 32-bit integer arithmetic (Math.imul)
 * and one exact division by 2^32, so the same seed gives the same sequence everywhere; `normal`
 * also uses Math.log/Math.cos (V8's fdlibm ports, identical across Node builds of one version).
 */
export interface Rng {
  /** Uniform in [0, 1), a multiple of 2^-32. */
  uniform(): number;
  /** Standard normal (Box–Muller; one fresh pair of uniforms per call, the second value discarded). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function mulberry32(seed: number): Rng {
  let state = seed | 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    // z = sqrt(−2 ln u1) · cos(2π u2), with u1 ∈ (0, 1] so the log is finite.
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    int: (n: number) => Math.floor(uniform() * n),
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(values: Int32Array, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
}

/**
 * Derive an independent-looking 32-bit seed for a named sub-stream: FNV-1a over the seed's four
 * bytes and then the label's characters, finished with murmur3's fmix32 avalanche. (Hashing the
 * seed as bytes, rather than xor-ing it into the basis, keeps (1, "a") and (2, "b") apart.)
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5;
  const mix = (byte: number) => {
    h ^= byte & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  for (let shift = 0; shift < 32; shift += 8) mix(seed >>> shift);
  for (let i = 0; i < label.length; i++) {
    const code = label.charCodeAt(i);
    mix(code);
    mix(code >>> 8);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
