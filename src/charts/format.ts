/**
 * Fixed number-formatting rules, so that identical inputs give byte-identical output on every
 * machine (no locale, no platform-dependent formatting).
 */

/** Pixel coordinates: rounded to 0.01 px, shortest decimal form, never "-0", clamped to ±1e6. */
export function formatPixel(x: number): string {
  const clamped = Number.isFinite(x) ? Math.max(-1e6, Math.min(1e6, x)) : 0;
  const rounded = Math.round(clamped * 100) / 100;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/**
 * A metric value for labels and tables:
 * - integers below 1e6 in full ("1200");
 * - 1e-3 ≤ |x| < 1e6: `significant` significant digits, trailing zeros dropped ("0.1235");
 * - otherwise exponent form with the same digits ("1.5e-7", "2.346e9");
 * - NaN → "NaN", ±Infinity → "∞" / "-∞".
 */
export function formatValue(x: number, significant = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "∞";
  if (x === Number.NEGATIVE_INFINITY) return "-∞";
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  if (Number.isInteger(x) && magnitude < 1e6) return String(x);
  // String(Number) never uses an exponent in this range, and toPrecision rounds half away from zero
  // on the exact binary value, the same everywhere.
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(x.toPrecision(significant)));
  const [mantissa, exponent] = x.toExponential(significant - 1).split("e") as [string, string];
  const trimmed = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
  return `${trimmed}e${exponent.replace(/^\+/, "")}`;
}

/**
 * A tick label on an axis whose ticks are multiples of `step` (1, 2 or 5 × 10^k): as many decimals
 * as the step needs, so labels on one axis line up ("0.5", "1.0", "1.5").
 */
export function formatTick(value: number, step: number): string {
  const magnitude = Math.abs(value);
  if (!(step > 0) || !Number.isFinite(step) || step < 1e-4 || magnitude >= 1e6) return formatValue(value, 4);
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
