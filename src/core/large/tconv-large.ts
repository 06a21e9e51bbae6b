import type { DistanceContext } from "../engine.js";
import { NumericalError } from "../errors.js";
import { bracketStart } from "../exact-engine.js";
import { brent, type TConvResult, targetMagnitude } from "../tconv.js";

const MAX_STEPS = 200;

/**
 * t_conv(q) with few probes at small t, where CG is slow (no factorisation to fall back to here):
 * 1. Cauchy–Schwarz top (no solve): for positive definite Z, Mag ≥ n²/Σ_ij Z_ij. Halve / double t from
 *    the data scale (1/median distance) to the smallest tried tHi whose bound reaches q·n; Mag(tHi) ≥ q·n.
 * 2. Halve from tHi until Mag < q·n (each probe warm-started from the one above, near t_conv where
 *    Z ≈ I and CG takes a few iterations): a sign bracket one octave wide.
 * 3. Brent's method in u = log t to rtol (as src/core/tconv.ts findTConv).
 * `similaritySum(t)` loads Z_t and returns Σ_ij Z_ij; `magnitudeAt(t)` solves at t.
 */
export function largeTConv(
  ctx: DistanceContext,
  q: number,
  rtol: number,
  similaritySum: (t: number) => number,
  magnitudeAt: (t: number) => number,
): TConvResult {
  const n = ctx.n;
  const target = targetMagnitude(q, n);
  const csReaches = (t: number): boolean => (n * n) / similaritySum(t) >= target;
  let tHi = bracketStart(ctx);
  let steps = 0;
  if (csReaches(tHi)) {
    while (steps++ < MAX_STEPS && csReaches(tHi / 2)) tHi /= 2;
  } else {
    while (!csReaches(tHi)) {
      if (steps++ > MAX_STEPS) throw notBracketed(target, tHi);
      tHi *= 2;
    }
  }
  let evaluations = 0;
  const f = (u: number): number => {
    evaluations++;
    const v = magnitudeAt(Math.exp(u)) - target;
    if (Number.isNaN(v))
      throw new NumericalError("t-conv-nan", `t_conv: magnitude is NaN at t = ${Math.exp(u)}`);
    return v;
  };
  let b = Math.log(tHi);
  let fb = f(b);
  // the CG value is a lower bound of Mag up to rounding: step up should rounding put it just below
  while (fb < 0) {
    if (steps++ > MAX_STEPS) throw notBracketed(target, Math.exp(b));
    b += Math.LN2;
    fb = f(b);
  }
  let a = b - Math.LN2;
  let fa = f(a);
  while (fa >= 0) {
    if (steps++ > MAX_STEPS) throw notBracketed(target, Math.exp(a));
    b = a;
    fb = fa;
    a -= Math.LN2;
    fa = f(a);
  }
  const u = brent(f, a, b, fa, fb, rtol / 4);
  return { tConv: Math.exp(u), target, bracket: [Math.exp(a), Math.exp(b)], evaluations };
}

function notBracketed(target: number, t: number): NumericalError {
  return new NumericalError(
    "t-conv-not-bracketed",
    `t_conv: Mag(t) − ${target} did not change sign up to t = ${t}; the magnitude may never reach the target`,
    { details: { target, t } },
  );
}
