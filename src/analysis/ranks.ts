/** Ranks and tie counts shared by the rank statistics (pure). */

/** Average ranks 1…n (ties share the mean of their positions), as scipy.stats.rankdata(method="average"). */
export function averageRanks(values: readonly number[]): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = mean;
    i = j + 1;
  }
  return ranks;
}

/** Sizes of the groups of equal values (groups of one included). */
export function tieGroupSizes(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()];
}

/**
 * Tie statistics of one variable, as scipy's count_rank_tie: Σ c(c−1)/2 (tied pairs),
 * Σ c(c−1)(c−2) and Σ c(c−1)(2c+5) over the tie groups of size c.
 */
export interface TieStats {
  readonly pairs: number;
  readonly v0: number;
  readonly v1: number;
}

export function tieStats(values: readonly number[]): TieStats {
  let pairs = 0;
  let v0 = 0;
  let v1 = 0;
  for (const c of tieGroupSizes(values)) {
    if (c < 2) continue;
    pairs += (c * (c - 1)) / 2;
    v0 += c * (c - 1) * (c - 2);
    v1 += c * (c - 1) * (2 * c + 5);
  }
  return { pairs, v0, v1 };
}
