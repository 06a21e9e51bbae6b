/**
 * Axis ticks with "nice numbers" (P. Heckbert, Graphics Gems I, 1990): tick steps of 1, 2 or 5
 * × 10^k, chosen so that about `target` ticks cover the data.
 */

export interface Axis {
  /** Domain of the axis (what maps to the ends of the plot area). */
  readonly lo: number;
  readonly hi: number;
  /** Tick values inside [lo, hi], ascending. */
  readonly ticks: readonly number[];
  /** Distance between ticks (for label formatting); 0 when the ticks are not evenly spaced. */
  readonly step: number;
}

/**
 * The nice number near x > 0: with `round`, the closest of 1, 2, 5, 10 × 10^k; without, the
 * smallest of them that is ≥ x.
 */
export function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const power = 10 ** exponent;
  const fraction = x / power;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** k·step without binary noise (0.30000000000000004 → 0.3). */
function multiple(k: number, step: number): number {
  return Number((k * step).toPrecision(12));
}

/** Widen a degenerate range [v, v] so an axis can be drawn around it. */
function widen(min: number, max: number): [number, number] {
  if (max > min) return [min, max];
  const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
  return [min - pad, max + pad];
}

export interface LinearAxisOptions {
  /** Desired number of ticks (about). */
  readonly target?: number;
  /**
   * "loose": the domain grows to the enclosing tick multiples (value axes);
   * "tight": the domain is exactly [min, max] and only the ticks inside it are kept.
   */
  readonly mode?: "loose" | "tight";
  /** Tick step at least 1 (training steps are integers). */
  readonly integer?: boolean;
}

/** A linear axis covering [min, max] (finite, min ≤ max). */
export function linearAxis(min: number, max: number, options: LinearAxisOptions = {}): Axis {
  const target = Math.max(2, options.target ?? 5);
  const [lo0, hi0] = widen(min, max);
  const span = hi0 - lo0;
  if (!Number.isFinite(span) || span <= 0) return { lo: lo0, hi: hi0, ticks: [lo0, hi0], step: 0 };
  // Heckbert first rounds the span up as well; rounding only the step gives denser, still nice ticks.
  let step = niceNumber(span / (target - 1), true);
  if (options.integer) step = Math.max(1, step);
  const loose = options.mode !== "tight";
  const first = loose ? Math.floor(lo0 / step + 1e-9) : Math.ceil(lo0 / step - 1e-9);
  const last = loose ? Math.ceil(hi0 / step - 1e-9) : Math.floor(hi0 / step + 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last && ticks.length < 1000; k++) ticks.push(multiple(k, step));
  if (loose)
    return { lo: Math.min(lo0, ticks[0]!), hi: Math.max(hi0, ticks[ticks.length - 1]!), ticks, step };
  return { lo: lo0, hi: hi0, ticks, step };
}

/**
 * A base-10 logarithmic axis covering [min, max] (0 < min ≤ max). When the data spans at least
 * two decades the domain grows to whole decades with a tick at each (thinned to about 8);
 * otherwise the domain is [min, max] padded by 5 % of its log-width on both sides, with ticks at
 * 1, 2, (3,) 5 × 10^k inside it, or linear nice ticks when fewer than two of those fit.
 */
export function logAxis(min: number, max: number): Axis {
  if (max / min >= 100) {
    const d0 = Math.floor(Math.log10(min) + 1e-9);
    const d1 = Math.ceil(Math.log10(max) - 1e-9);
    const every = Math.ceil((d1 - d0) / 8);
    const ticks: number[] = [];
    for (let d = d0; d <= d1; d += every) ticks.push(Number((10 ** d).toPrecision(12)));
    return { lo: 10 ** d0, hi: 10 ** d1, ticks, step: 0 };
  }
  const pad = min === max ? 2 : (max / min) ** 0.05;
  const lo = min / pad;
  const hi = max * pad;
  const ticks: number[] = [];
  for (let d = Math.floor(Math.log10(lo)); d <= Math.ceil(Math.log10(hi)); d++) {
    for (const m of max / min < 10 ? [1, 2, 3, 5] : [1, 2, 5]) {
      const v = Number((m * 10 ** d).toPrecision(12));
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  if (ticks.length >= 2) return { lo, hi, ticks, step: 0 };
  const linear = linearAxis(lo, hi, { mode: "tight", target: 4 });
  return { lo, hi, ticks: linear.ticks, step: linear.step };
}
