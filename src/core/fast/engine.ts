import type { DistanceContext, MagnitudeEngine } from "../engine.js";
import { bracketStart, exactEngine } from "../exact-engine.js";
import { type MagnitudeAtScale, magnitudeAtScale } from "../solve.js";
import type { DistanceMetric, PointCloud } from "../types.js";
import type { ScaleWarmStarts } from "../warm-start.js";
import { LazyDistances } from "./lazy-distances.js";
import {
  GridSolver,
  iterationBudget,
  rowSumGuess,
  type ScaleSolution,
  solveLoadedScale,
} from "./scale-solve.js";
import { fastTConv } from "./tconv-fast.js";
import { rememberTConv, tConvHint } from "./tconv-hints.js";
import { FastWorkspace } from "./workspace.js";

/**
 * One kernel workspace per distance matrix (freed with it). fastDistances registers the workspace
 * that already holds D, so the profile does not copy it into kernel memory a second time. Workspaces
 * share the thread's kernel memory (kernel-reuse.ts): one whose memory a later cloud took over is
 * rebuilt from D (correct, one copy of D slower; the pipeline computes one cloud at a time per thread).
 */
const workspaces = new WeakMap<Float64Array, FastWorkspace>();

function workspaceFor(ctx: DistanceContext): FastWorkspace {
  if (ctx instanceof LazyDistances) return ctx.liveWorkspace();
  let ws = workspaces.get(ctx.D);
  if (ws === undefined || !ws.live) {
    ws = new FastWorkspace(ctx.n, 0, undefined, true);
    ws.loadDistances(ctx.D);
    workspaces.set(ctx.D, ws);
  }
  return ws;
}

/**
 * Euclidean distances in wasm SIMD and their statistics (median from a sample: it only seeds the t_conv
 * bracket), as a context whose full matrix is built only on demand (lazy-distances.ts); null for
 * other metrics (the core computes those).
 */
export function fastDistances(points: PointCloud, metric: DistanceMetric): DistanceContext | null {
  if (metric !== "euclidean" || points.n < 2) return null;
  return LazyDistances.compute(points);
}

/** scales = linspace(0, T, m) up to rounding: then Z at step k is Z_1 ∘ … ∘ Z_1 (no exp). */
function linearStep(scales: Float64Array): number | null {
  if (scales.length < 3 || scales[0] !== 0) return null;
  const h = scales[1];
  if (!(h > 0)) return null;
  for (let k = 2; k < scales.length; k++) {
    if (Math.abs(scales[k] - k * h) > 8 * Number.EPSILON * scales[k]) return null;
  }
  return h;
}

/**
 * Mag(0) = 1 in closed form (w = 1/n), as the exact engine gives it, without reading D (so a lazy
 * context does not build its full matrix for it).
 */
function atZero(ctx: DistanceContext, weights: boolean): MagnitudeAtScale {
  return magnitudeAtScale(new Float64Array(0), ctx.n, 0, { weights });
}

function exactAt(ctx: DistanceContext, t: number): ScaleSolution {
  const r = exactEngine.evaluate(ctx, t, { weights: false });
  return { magnitude: r.magnitude, positiveMagnitude: r.positiveMagnitude, info: r.info };
}

function toResult(ws: FastWorkspace, sol: ScaleSolution, weights: boolean): MagnitudeAtScale {
  return weights
    ? {
        magnitude: sol.magnitude,
        positiveMagnitude: sol.positiveMagnitude,
        info: sol.info,
        weights: ws.x.slice(),
      }
    : { magnitude: sol.magnitude, positiveMagnitude: sol.positiveMagnitude, info: sol.info };
}

/**
 * Scales[from..to) of a grid (ascending), as evaluateScales would compute them: the parallel profile
 * hands contiguous ranges to workers (warm starts and the Hadamard recurrence need contiguity; a range
 * starting past scale 1 pays one exp for its first Z). The whole grid is passed so that a linear grid
 * is recognised.
 */
export function evaluateScaleRange(
  ctx: DistanceContext,
  scales: Float64Array,
  from: number,
  to: number,
  options: { weights: boolean; warm?: ScaleWarmStarts; sequence?: string },
): MagnitudeAtScale[] {
  const keep = options.warm?.keep;
  if (keep !== undefined) for (let k = from; k < to; k++) keep[k] = null;
  if (ctx.n === 1 || options.weights) {
    return exactEngine.evaluateScales(ctx, scales.subarray(from, to), { weights: options.weights });
  }
  const ws = workspaceFor(ctx);
  const h = linearStep(scales);
  if (h !== null) ws.loadStep(h);
  const solver = new GridSolver(ws, options.sequence, ctx.stats.max);
  let haveWarmStart = false;
  let zIsPrevious = false; // Z holds the previous grid scale (the recurrence may continue)
  const out: MagnitudeAtScale[] = [];
  for (let k = from; k < to; k++) {
    const t = scales[k];
    if (t === 0) {
      out.push(atZero(ctx, options.weights));
      continue;
    }
    if (h !== null && k === 1) ws.loadFromStep(t);
    else if (h !== null && zIsPrevious) ws.advance(t);
    else ws.loadScale(t);
    zIsPrevious = true;
    const sol = solver.solve(haveWarmStart, options.warm?.starts?.[k], options.warm?.interpolated);
    if (sol === null) {
      out.push(exactEngine.evaluate(ctx, t, { weights: options.weights }));
      haveWarmStart = false;
      continue;
    }
    haveWarmStart = true;
    if (keep !== undefined) keep[k] = ws.x.slice();
    out.push(toResult(ws, sol, options.weights));
  }
  return out;
}

/**
 * The "fast" engine: WebAssembly SIMD kernels (TypeScript fallback), approximated t_conv
 * (Cauchy–Schwarz bracket + Newton with CG probes), CG with warm starts where it is cheaper than a
 * factorisation and dense Cholesky elsewhere, linear grids by the Hadamard recurrence. Every value
 * carries its solver and, for CG, an error bound (rigorous or marked as an estimate). Where Z is not
 * numerically positive definite it defers to the exact engine (eigen fallback).
 */
export const fastEngine: MagnitudeEngine & {
  distances(points: PointCloud, metric: DistanceMetric): DistanceContext | null;
} = {
  mode: "fast",
  distances: fastDistances,
  evaluate(ctx, t, options) {
    // weights: CG's bound is on the magnitude (quadratic in the residual), not on each weight
    if (t === 0) return atZero(ctx, options.weights);
    if (ctx.n === 1 || options.weights) return exactEngine.evaluate(ctx, t, options);
    const ws = workspaceFor(ctx);
    ws.loadScale(t);
    rowSumGuess(ws);
    const sol = solveLoadedScale(ws, iterationBudget(ctx.n));
    return sol === null ? exactEngine.evaluate(ctx, t, options) : toResult(ws, sol, options.weights);
  },
  evaluateScales(ctx, scales, options) {
    return evaluateScaleRange(ctx, scales, 0, scales.length, options);
  },
  tConv(ctx, q, rtol, options) {
    const ws = workspaceFor(ctx);
    const sequence = options?.sequence;
    // hints are kept unit-free, as t·D_max (tconv-hints.ts)
    const hint = sequence === undefined ? undefined : tConvHint(sequence, ctx.n, q);
    const start = hint === undefined ? undefined : hint / ctx.stats.max;
    const r = fastTConv(
      ws,
      q,
      () => bracketStart(ctx),
      rtol,
      (t) => exactAt(ctx, t),
      start,
    );
    if (sequence !== undefined) rememberTConv(sequence, ctx.n, q, r.tConv * ctx.stats.max);
    return r;
  },
};
