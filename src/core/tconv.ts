import { NumericalError } from "./errors.js";
import { validateQ } from "./validate.js";

/**
 * t_conv(q): the scale where Mag(tX) = q·n (n distinct points).
 *
 * Bracketing: start at t0 (a data-derived scale, by default 1/median distance) and widen geometrically
 * (×10 up while Mag < q·n, ÷10 down while Mag ≥ q·n) until Mag(t) − q·n changes sign between two
 * consecutive probes; at most MAX_WIDEN steps each way, else NumericalError "t-conv-not-bracketed".
 * Monotonicity is not assumed: the returned root lies in a bracket that provably contains a sign
 * change (for a non-monotone function it is *a* crossing, the one next to the data scale, not
 * necessarily the first).
 * Root search: Brent's method on u = log t, stopping when the bracket in u is below rtol, i.e. the
 * returned t is within relative distance ~rtol of a sign change (default rtol 1e-10).
 *
 * q = 1: Mag < n for every finite t and Mag → n only as t → ∞, so "Mag = n" has no root. We define
 * t_conv(1) as the scale where Mag reaches n·(1 − Q_ONE_GAP) (Q_ONE_GAP = 1e-9): beyond it magnitude is
 * indistinguishable from n at nine digits.
 */
export const Q_ONE_GAP = 1e-9;
const MAX_WIDEN = 40; // 10^±40 around the data scale
const MAX_ITER = 200;

export interface TConvResult {
  readonly tConv: number;
  readonly target: number;
  readonly bracket: readonly [number, number];
  readonly evaluations: number;
}

export function targetMagnitude(q: number, n: number): number {
  validateQ(q);
  return q === 1 ? n * (1 - Q_ONE_GAP) : q * n;
}

export function findTConv(
  magnitudeAt: (t: number) => number,
  n: number,
  q: number,
  t0: number,
  rtol = 1e-10,
): TConvResult {
  const target = targetMagnitude(q, n);
  if (!(rtol > 0 && rtol < 1))
    throw new NumericalError("t-conv-rtol", `t_conv rtol = ${rtol} must lie in (0, 1)`);
  if (!(t0 > 0 && Number.isFinite(t0))) {
    throw new NumericalError("t-conv-start", `t_conv: starting scale ${t0} must be finite and > 0`);
  }
  let evaluations = 0;
  const f = (u: number): number => {
    evaluations++;
    const v = magnitudeAt(Math.exp(u)) - target;
    if (Number.isNaN(v)) {
      throw new NumericalError("t-conv-nan", `t_conv: magnitude is NaN at t = ${Math.exp(u)}`);
    }
    return v;
  };
  const LN10 = Math.LN10;
  let a = Math.log(t0);
  let fa = f(a);
  let b = a;
  let fb = fa;
  let steps = 0;
  if (fa < 0) {
    while (fb < 0) {
      if (++steps > MAX_WIDEN) throw notBracketed(target, t0, Math.exp(b), fb);
      a = b;
      fa = fb;
      b = a + LN10;
      fb = f(b);
    }
  } else {
    while (fa >= 0) {
      if (++steps > MAX_WIDEN) throw notBracketed(target, t0, Math.exp(a), fa);
      b = a;
      fb = fa;
      a = b - LN10;
      fa = f(a);
    }
  }
  const u = brent(f, a, b, fa, fb, rtol / 4);
  return { tConv: Math.exp(u), target, bracket: [Math.exp(a), Math.exp(b)], evaluations };
}

function notBracketed(target: number, t0: number, tLast: number, fLast: number): NumericalError {
  return new NumericalError(
    "t-conv-not-bracketed",
    `t_conv: Mag(t) − ${target} did not change sign between t = ${t0} and t = ${tLast} ` +
      `(last Mag − target = ${fLast}); the magnitude may never reach the target`,
    { details: { target, t0, tLast } },
  );
}

/**
 * Brent's root finder (Brent 1973, ch. 4 "zero"): inverse quadratic interpolation / secant steps,
 * safeguarded by bisection; requires fa·fb ≤ 0; stops when the bracket half-width ≤ tol (absolute).
 */
export function brent(
  f: (x: number) => number,
  a0: number,
  b0: number,
  fa0: number,
  fb0: number,
  tol: number,
): number {
  let a = a0;
  let b = b0;
  let fa = fa0;
  let fb = fb0;
  if (fa === 0) return a;
  if (fb === 0) return b;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < MAX_ITER; iter++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}
