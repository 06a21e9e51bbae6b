import { NumericalError } from "../errors.js";
import { type TConvResult, targetMagnitude } from "../tconv.js";
import {
  type FastSolveInfo,
  iterationBudget,
  rowSumGuess,
  type ScaleSolution,
  solveLoadedScale,
} from "./scale-solve.js";
import type { FastWorkspace } from "./workspace.js";

const MAX_BRACKET_STEPS = 200;
const MAX_NEWTON = 100;
const MAX_STEP = 1.5; // in log t per Newton step
const FIRST_STEP = 0.5;

/**
 * Approximated t_conv(q) without a dense factorisation per probe.
 *
 * 1. Bracket from above with the Cauchy–Schwarz bound Mag ≥ n²/Σ Z (no solve, O(n²)): halve/double t
 *    from t0 = bracketStart() until the bound just reaches q·n at tHi. Then Mag(tHi) ≥ q·n, and Mag(0) = 1 < q·n, so a
 *    crossing lies in (0, tHi].
 * 2. Safeguarded Newton on g(s) = Mag(e^s) − q·n in s = log t, starting at tHi where Z ≈ I and CG
 *    converges in a few iterations. g'(s) = t·dMag/dt = t·wᵀ(D∘Z)w (one fused pass over D and Z).
 *    Each probe warm-starts CG from the previous weights; steps are clamped and kept inside the
 *    current sign bracket (bisection otherwise). Stops when the Newton step in s is below rtol.
 * Reported info: the final probe's solver; errorBound bounds |Mag(tConv) − q·n| (the final probe's
 * error bound plus the linearised residual of the last step).
 * `start`: a scale near t_conv (the previous cloud's of a sequence, tconv-hints.ts): Newton starts
 * there with full steps and no Cauchy–Schwarz bracket; the sign bracket is built from the probes as
 * before. If that search fails, the bracketed search runs as without a start.
 */
export function fastTConv(
  ws: FastWorkspace,
  q: number,
  bracketStart: () => number,
  rtol: number,
  fallback: (t: number) => ScaleSolution,
  start?: number,
): TConvResult & { readonly info: FastSolveInfo } {
  if (start !== undefined && start > 0 && Number.isFinite(start)) {
    try {
      ws.loadScale(start);
      return newtonTConv(ws, q, start, rtol, fallback, MAX_STEP);
    } catch (error) {
      if (!(error instanceof NumericalError)) throw error;
    }
  }
  const n = ws.n;
  const target = targetMagnitude(q, n);
  // asked for only here: with a start that converges (a sync's later steps) the seed is never needed
  const t0 = bracketStart();
  if (!(t0 > 0 && Number.isFinite(t0))) {
    throw new NumericalError("t-conv-start", `t_conv: starting scale ${t0} must be finite and > 0`);
  }
  // 1. Cauchy–Schwarz bracket
  let t = t0;
  ws.loadScale(t);
  let steps = 0;
  if (ws.cauchySchwarzLower() >= target) {
    while (steps++ < MAX_BRACKET_STEPS) {
      const tl = t / 2;
      ws.loadScale(tl);
      if (ws.cauchySchwarzLower() < target) break;
      t = tl;
    }
    ws.loadScale(t);
  } else {
    while (ws.cauchySchwarzLower() < target) {
      if (steps++ >= MAX_BRACKET_STEPS || !Number.isFinite(t)) {
        throw new NumericalError(
          "t-conv-not-bracketed",
          `t_conv: the Cauchy–Schwarz bound n²/ΣZ did not reach q·n = ${target} up to t = ${t}`,
        );
      }
      t *= 2;
      ws.loadScale(t);
    }
  }
  return newtonTConv(ws, q, t, rtol, fallback, FIRST_STEP);
}

/**
 * 2. Newton in s = log t from t (Z at t loaded in ws); `firstStep` caps the first step in s (short
 * from the Cauchy–Schwarz end, where Mag is flat in s).
 */
function newtonTConv(
  ws: FastWorkspace,
  q: number,
  t: number,
  rtol: number,
  fallback: (t: number) => ScaleSolution,
  firstStep: number,
): TConvResult & { readonly info: FastSolveInfo } {
  const n = ws.n;
  const target = targetMagnitude(q, n);
  const budget = iterationBudget(n);
  let evaluations = 0;
  rowSumGuess(ws);
  const probe = (tt: number): { sol: ScaleSolution; slope: number } => {
    if (ws.zScale !== tt) ws.loadScale(tt);
    evaluations++;
    let sol = solveLoadedScale(ws, budget);
    if (sol === null) {
      sol = fallback(tt);
      ws.loadScale(tt);
      rowSumGuess(ws);
      return { sol, slope: Number.NaN };
    }
    const slope = tt * ws.k.quadDZ(ws.pD, ws.pZ, n, ws.pX);
    return { sol, slope };
  };
  let s = Math.log(t);
  let sLo = Number.NEGATIVE_INFINITY;
  let sHi = Number.POSITIVE_INFINITY;
  let cur = probe(t);
  for (let it = 0; it < MAX_NEWTON; it++) {
    const g = cur.sol.magnitude - target;
    if (Number.isNaN(g))
      throw new NumericalError("t-conv-nan", `t_conv: magnitude is NaN at t = ${Math.exp(s)}`);
    if (g >= 0) sHi = Math.min(sHi, s);
    else sLo = Math.max(sLo, s);
    // the first step leaves the Cauchy–Schwarz end, where Mag is flat in s: keep it short
    const maxStep = it === 0 ? firstStep : MAX_STEP;
    let step = cur.slope > 0 ? -g / cur.slope : g >= 0 ? -maxStep : maxStep;
    step = Math.max(-maxStep, Math.min(maxStep, step));
    let sNew = s + step;
    if (step !== 0 && Number.isFinite(sLo) && Number.isFinite(sHi) && (sNew <= sLo || sNew >= sHi)) {
      sNew = 0.5 * (sLo + sHi);
    }
    // converged: the step is below rtol, or g is within the probe's own error bound (nothing left to resolve)
    const resolved = cur.slope > 0 && Math.abs(g) <= (cur.sol.info.errorBound ?? 0);
    if (Math.abs(sNew - s) < rtol || resolved || (Number.isFinite(sLo) && sHi - sLo < rtol)) {
      const tConv = Math.exp(sNew);
      const bound = (cur.sol.info.errorBound ?? 0) + Math.abs(g + (cur.slope || 0) * (sNew - s));
      const info: FastSolveInfo = {
        ...cur.sol.info,
        errorBound: bound,
        iterations: evaluations,
      };
      const lo = Number.isFinite(sLo) ? Math.exp(sLo) : tConv;
      const hi = Number.isFinite(sHi) ? Math.exp(sHi) : tConv;
      return { tConv, target, bracket: [Math.min(lo, tConv), Math.max(hi, tConv)], evaluations, info };
    }
    s = sNew;
    cur = probe(Math.exp(s));
  }
  throw new NumericalError(
    "t-conv-no-convergence",
    `t_conv: Newton search did not converge in ${MAX_NEWTON} probes`,
  );
}
