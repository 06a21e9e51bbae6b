/**
 * Warm starts across clouds of the same probe rows (issue 16): consecutive steps of a layer differ by a
 * small weight change, so the weighting vector w_t = Z_t⁻¹1 of one step is a good starting point for
 * the iterative solves of the next at the same scale t. A profile computed with `keepWarmStart`
 * returns one (MagnitudeProfile.warmStart); a later profile given it as `warmStart` starts each grid
 * scale's solve from it where it applies. Only the starting point changes: every value still stops
 * on its own error bound (REL_TOL, stated in SolveInfo), so results agree with a cold start within
 * those bounds, not bit for bit.
 */

/** The weights of one profile's grid, over its distinct points. */
export interface WarmStart {
  /** Input rows of the distinct points (dedup's keptIndices): weights are only reused for the same rows. */
  readonly keptIndices: Int32Array;
  /** The power-of-two scale unit the engine computed in (scale-unit.ts): scales below are in its units. */
  readonly unit: number;
  /** Grid scales in engine units (t · unit) and the weights found there (null: no iterate kept). */
  readonly scales: Float64Array;
  readonly weights: readonly (Float64Array | null)[];
}

/** Per-scale starting points and a sink for the iterates found, aligned with a grid's scales. */
export interface ScaleWarmStarts {
  /** starts[k]: a starting iterate for scale k (null/undefined: the engine's own start). */
  readonly starts?: readonly (Float64Array | null | undefined)[];
  /** When given, keep[k] receives the iterate at scale k (null where none was computed). */
  readonly keep?: (Float64Array | null)[];
  /**
   * The starts were interpolated from this cloud's own solved grid (src/core/grid-iterate-starts.ts):
   * an engine takes them as they are instead of comparing them with its own start.
   */
  readonly interpolated?: boolean;
}

function sameRows(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Starting points for `scales` (engine units) from an earlier profile's warm start: the earlier
 * iterate at each scale it also solved (same value of t, same rows, same unit); undefined when
 * nothing applies.
 */
export function startsFor(
  warm: WarmStart | undefined,
  keptIndices: Int32Array,
  unit: number,
  scales: Float64Array,
): (Float64Array | null)[] | undefined {
  if (warm === undefined || warm.unit !== unit || !sameRows(warm.keptIndices, keptIndices)) return undefined;
  const at = new Map<number, Float64Array | null>();
  for (let k = 0; k < warm.scales.length; k++) at.set(warm.scales[k]!, warm.weights[k] ?? null);
  const starts = Array.from(scales, (t) => at.get(t) ?? null);
  return starts.some((s) => s !== null) ? starts : undefined;
}
