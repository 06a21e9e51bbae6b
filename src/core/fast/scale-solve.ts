import { neumaierSum } from "../solve.js";
import type { SolveInfo } from "../types.js";
import { type CgOutcome, conjugateGradient, gershgorinLower } from "./cg.js";
import { type CachedFactor, dropFactor, findFactor, storeFactor } from "./factor-cache.js";
import { factorPreconditioner, type PcgOutcome, preconditionedCg } from "./pcg.js";
import type { FastWorkspace } from "./workspace.js";

/** A fast-engine SolveInfo: says whether its errorBound is a guarantee or an estimate. */
export interface FastSolveInfo extends SolveInfo {
  /** "rigorous": Gershgorin λ_min bound; "estimate": λ_min from the smallest Ritz value. */
  readonly boundKind?: "rigorous" | "estimate";
  /** Bound on |PMag − positiveMagnitude| (CG values; the weights are accurate to first order only). */
  readonly positiveMagnitudeErrorBound?: number;
  /** cg-preconditioned: f32 factorisations done for this value (0: the factor of an earlier scale was reused). */
  readonly factorisations?: number;
  /** cg-preconditioned: the preconditioner (float32 Cholesky factor of this or a neighbouring scale's Z). */
  readonly preconditioner?: "f32-cholesky";
  /**
   * cg-preconditioned: the factor was kept from an earlier solve of the sequence (factor-cache.ts): an
   * earlier cloud's, or this cloud's from another of its grids.
   */
  readonly cachedFactor?: true;
}

export interface ScaleSolution {
  readonly magnitude: number;
  readonly positiveMagnitude: number;
  readonly info: FastSolveInfo;
}

/** Relative accuracy asked of iterative values: CG stops when its quadratic error term is below REL_TOL·Mag. */
export const REL_TOL = 1e-12;

/**
 * Largest stated error bound accepted for an iterative value, relative to the value: the 1e-9.
 * At small t the bound is dominated by its worst-case rounding floor (γ_n·|x|ᵀZ|x| with γ_n = n·u; weights
 * of both signs), ~1e-10 relative at n = 2000 — an a-priori bound the f64 Cholesky would not meet either.
 */
export const ACCEPT_REL = 1e-9;

/**
 * Mat-vecs that cost about one dense f64 factorisation: Cholesky n³/3 flops at ~24 GFLOP/s in wasm
 * SIMD against a memory-bound symmetric mat-vec (~n²/2 entries). Measured n = 1000: 14 ms vs 0.14 ms;
 * n = 2000: 110 ms vs 0.94 ms; n = 4000: 900 ms vs 10 ms. CG gives up beyond this many iterations.
 */
export function iterationBudget(n: number): number {
  return Math.max(25, Math.round(n / 11));
}

/**
 * Cost model in units of one f64 symmetric mat-vec. Measured 2026-12-06 (bench/factor-reuse.ts --costs,
 * wasm SIMD, drifting ReLU clouds, n = 500 / 1000 / 2000): mat-vec 0.05 / 0.19 / 0.91 ms, the two f32
 * triangular solves 0.6–0.7 of one, an f32 factorisation 1.8 / 11.2 / 78 ms = 36 / 59 / 85 mat-vecs,
 * about 1.9·√n (the blocked mat-vec got faster since the first model, n/35, which made a factor look
 * half its cost). Memory-bound mat-vecs keep the ratio flat beyond n ≈ 2000 (n = 4000 measured 58 with
 * the older kernels): capped at 90.
 */
export const PCG_ITERATION_UNITS = 1.6;
export function factorUnits(n: number): number {
  return Math.min(90, Math.max(20, 1.9 * Math.sqrt(n)));
}

function cgSolution(cg: CgOutcome): ScaleSolution {
  return {
    magnitude: cg.magnitude,
    positiveMagnitude: cg.positiveMagnitude,
    info: {
      solver: "cg",
      errorBound: cg.errorBound,
      iterations: cg.iterations,
      boundKind: cg.boundKind,
      positiveMagnitudeErrorBound: cg.positiveErrorBound,
    },
  };
}

function pcgSolution(pcg: PcgOutcome, factorisations: number, borrowed = false): ScaleSolution {
  return {
    magnitude: pcg.magnitude,
    positiveMagnitude: pcg.positiveMagnitude,
    info: {
      solver: "cg-preconditioned",
      preconditioner: "f32-cholesky",
      errorBound: pcg.errorBound,
      iterations: pcg.iterations,
      boundKind: "estimate",
      positiveMagnitudeErrorBound: pcg.positiveErrorBound,
      factorisations,
      ...(borrowed ? { cachedFactor: true as const } : {}),
    },
  };
}

/**
 * Plain CG from ws.x; null when not accepted, and then ws.x is restored (the next method starts from
 * the same warm start, not from a failed iterate). `lower`: gershgorinLower(ws) of the loaded Z.
 */
function tryCg(ws: FastWorkspace, maxIter: number, lower: number): { sol: ScaleSolution | null } {
  const start = ws.x.slice();
  const cg = conjugateGradient(ws, {
    maxIter,
    relTol: REL_TOL,
    gershgorinLower: lower,
    acceptRel: ACCEPT_REL,
  });
  if (cg.converged) return { sol: cgSolution(cg) };
  ws.x.set(start);
  return { sol: null };
}

/** PCG with the f32 factor in ws.F (ws.rowSums must hold the row sums of Z). */
function tryPcg(
  ws: FastWorkspace,
  maxIter: number,
  factorisations: number,
  borrowed = false,
): ScaleSolution | null {
  const pcg = preconditionedCg(ws, { maxIter, relTol: REL_TOL, acceptRel: ACCEPT_REL });
  return pcg.converged ? pcgSolution(pcg, factorisations, borrowed) : null;
}

/**
 * Solve Z w = 1 for the matrix in ws.Z, one scale on its own (t_conv probes, single scales):
 * 1. conjugate gradient from ws.x (warm start) with at most `maxIter` iterations;
 * 2. otherwise f32 Cholesky of this Z as preconditioner of an f64 CG (mixed precision);
 * 3. otherwise a dense f64 Cholesky in wasm (exact up to rounding, like the exact engine);
 * 4. null when Z is not numerically positive definite: the caller falls back to the exact engine.
 * On return ws.x holds the weights.
 */
export function solveLoadedScale(ws: FastWorkspace, maxIter: number): ScaleSolution | null {
  const identity = identitySolution(ws);
  if (identity !== null) return identity;
  const lower = gershgorinLower(ws);
  if (maxIter > 0) {
    const cg = tryCg(ws, maxIter, lower);
    if (cg.sol !== null) return cg.sol;
    // pᵀZp ≤ 0 may be rounding at tiny t: the factorisations below decide positive definiteness
  }
  if (factorPreconditioner(ws)) {
    const sol = tryPcg(ws, 20, 1);
    if (sol !== null) return sol;
  }
  return denseCholesky(ws);
}

/**
 * Solves the scales of one grid in ascending order, choosing per scale by estimated cost (units of
 * one f64 mat-vec) between
 * - plain CG (warm-started from the previous scale's weights): cheap where Z is near the identity;
 * - CG preconditioned by the f32 factor of a NEIGHBOURING scale, kept from an earlier grid point:
 *   measured n = 2000 uniform, factor from the previous scale: 5–6 iterations, from 8 scales back
 *   ≤ 30; so one factorisation serves several small-t scales;
 * - a fresh f32 factor at this scale (PCG then needs 2–3 iterations);
 * - a dense f64 Cholesky when the f32 factorisation fails, and null (exact engine) when Z is not
 *   numerically positive definite.
 * Once plain CG wins it stays (ascending t only makes Z better conditioned).
 * With a `sequence` (clouds of the same rows, one after another: sync's run and layer), a factor kept
 * from an earlier cloud of it at a nearby scale (factor-cache.ts) stands in for a fresh one: it is
 * tried like a stale factor, and every fresh factor is kept for the clouds after this one.
 */
export class GridSolver {
  private plainWins = false;
  private first = true;
  /** Weights at the scale before the last solved one, and the two scales (linear extrapolation). */
  private older: Float64Array;
  private scratch: Float64Array;
  private olderT = Number.NaN;
  private lastT = Number.NaN;
  private readonly unitsPerFactor: number;
  /** The cached factor now in ws.F (null: F holds this cloud's own factor, or none). */
  private borrowed: CachedFactor | null = null;
  /** F holds a factor an earlier grid of this cloud left (until this grid's first solve). */
  private inherited: boolean;

  /**
   * `sequence`: the cache key of factor-cache.ts; `distanceScale`: a distance of the cloud (its
   * largest), so that the cache keeps t·distanceScale: clouds of a sequence may come in different
   * units (profile.ts divides each by a power of two near its own max |x|), the same Z = exp(−tD) has
   * the same t·D.
   */
  constructor(
    private readonly ws: FastWorkspace,
    private readonly sequence?: string,
    private readonly distanceScale = 1,
  ) {
    this.unitsPerFactor = factorUnits(ws.n);
    this.older = new Float64Array(ws.n);
    this.scratch = new Float64Array(ws.n);
    // A factor an earlier grid of this cloud left in F (the layer's grid, before the dimension fit)
    // preconditions this grid's nearby scales: at 2000 × 512 the fit's lowest scale lies 8 % below the
    // grid's factor, and a fresh f32 factor there cost 110–127 ms. Dropped, as before, without its
    // iteration history (a factor made by a single-scale solve) and with a sequence: its cache lends
    // factors at this grid's scales, and the 400-cloud sync ran slower in 5 of 5 paired reps when the
    // grid's factor was kept instead (bench/README.md, fifth session).
    if (Number.isNaN(ws.factorIterations) || sequence !== undefined) ws.factorScale = Number.NaN;
    this.inherited = !Number.isNaN(ws.factorScale);
  }

  /**
   * Solve for the Z loaded in ws; `warm`: ws.x holds the previous grid scale's weights (else the
   * start is 1/(Z·1)). A warm start is extrapolated linearly in t from the two previous scales,
   * x ← x₁ + (t − t₁)/(t₁ − t₀)·(x₁ − x₀). `hint`: another start, taken when its residual is the
   * smaller (pickStart), or as it is when `takeHint` (interpolated from this cloud's own grid,
   * src/core/grid-iterate-starts.ts: always the closer start, so the two residuals are not paid for).
   */
  solve(warm: boolean, hint?: Float64Array | null, takeHint = false): ScaleSolution | null {
    const ws = this.ws;
    const t = ws.zScale;
    const chained = warm && !Number.isNaN(this.lastT);
    const usable = hint !== undefined && hint !== null && hint.length === ws.n;
    const taken = usable && takeHint;
    if (chained) {
      this.scratch.set(ws.x);
      if (!taken && this.olderT < this.lastT && this.lastT < t) {
        const s = (t - this.lastT) / (this.lastT - this.olderT);
        const x = ws.x;
        const x0 = this.older;
        for (let i = 0; i < ws.n; i++) x[i] += s * (x[i] - x0[i]);
      }
    }
    if (taken) ws.x.set(hint);
    const started = taken || (usable && pickStart(ws, warm, hint));
    const sol = this.solveOnce(warm || started);
    if (sol === null) {
      this.olderT = Number.NaN;
      this.lastT = Number.NaN;
      return null;
    }
    if (chained) {
      const keep = this.older;
      this.older = this.scratch;
      this.scratch = keep;
      this.olderT = this.lastT;
    } else this.olderT = Number.NaN;
    this.lastT = t;
    return sol;
  }

  private solveOnce(warm: boolean): ScaleSolution | null {
    const ws = this.ws;
    const identity = identitySolution(ws);
    if (identity !== null) return identity;
    const borrowed = this.borrowFactor();
    // a factor loaded now or left by an earlier grid: its iterations are another scale's or cloud's
    const foreign = borrowed || this.inherited;
    this.inherited = false;
    const factorUnitsNow = this.unitsPerFactor + 3 * PCG_ITERATION_UNITS;
    const haveFactor = !Number.isNaN(ws.factorScale);
    // plain CG first when it has already won, when Gershgorin proves Z well conditioned, or when the
    // stale factor needed enough iterations that CG is likely competitive; its budget is what the
    // preconditioned route would cost
    const lower = gershgorinLower(ws);
    if (!warm) for (let i = 0; i < ws.n; i++) ws.x[i] = 1 / ws.rowSums[i];
    const pcgEstimate = haveFactor ? (ws.factorIterations + 2) * PCG_ITERATION_UNITS : factorUnitsNow;
    const kappaIters = lower > 0 ? 14 * Math.sqrt(maxRow(ws) / lower) : Number.POSITIVE_INFINITY;
    // (first scale: no history yet; a failed try costs ≥ 6 mat-vecs, against ≥ 20 for a factor; a
    // foreign factor's iterations are those of another cloud or scale, no sign that CG got competitive)
    const tryPlain =
      this.plainWins ||
      (this.first && !foreign) ||
      kappaIters <= pcgEstimate ||
      (haveFactor && !foreign && ws.factorIterations >= 4);
    // a first try (no history) gets half of a factorisation's cost: enough where CG is the cheap
    // route (a range that starts at mid t), little waste at the smallest t
    const budget = this.plainWins
      ? iterationBudget(ws.n)
      : Math.max(8, Math.ceil(this.first && kappaIters > pcgEstimate ? pcgEstimate / 2 : pcgEstimate));
    this.first = false;
    if (tryPlain) {
      const cg = tryCg(ws, budget, lower);
      if (cg.sol !== null) {
        this.plainWins = true;
        return cg.sol;
      }
      // pᵀZp ≤ 0 may be rounding at tiny t: the factorisations below decide positive definiteness
    }
    if (haveFactor) {
      // a stale factor is worth at most what a fresh one costs
      const sol = tryPcg(ws, Math.max(4, Math.floor(factorUnitsNow / PCG_ITERATION_UNITS)), 0, borrowed);
      if (sol !== null) {
        ws.factorIterations = sol.info.iterations ?? 0;
        if (this.borrowed !== null) this.borrowed.iterations = ws.factorIterations;
        return sol;
      }
    }
    if (borrowed && this.borrowed !== null) dropFactor(this.borrowed);
    this.borrowed = null;
    if (factorPreconditioner(ws)) {
      const sol = tryPcg(ws, 20, 1);
      if (sol !== null) {
        ws.factorIterations = sol.info.iterations ?? 0;
        this.keepFactor();
        return sol;
      }
    }
    ws.factorScale = Number.NaN;
    ws.factorIterations = Number.NaN;
    return denseCholesky(ws);
  }

  /**
   * Before solving at ws.zScale: when the sequence's cache holds a factor nearer this scale than the
   * one in ws.F (or ws.F holds none), load it (one n² f32 copy). True when it loaded one now (its
   * iteration count is then another solve's; from the next scale on it is this grid's own).
   */
  private borrowFactor(): boolean {
    const ws = this.ws;
    if (this.sequence === undefined) return false;
    const t = ws.zScale;
    const cached = findFactor(this.sequence, ws.n, t * this.distanceScale);
    if (cached === null || cached === this.borrowed) return false;
    const own = ws.factorScale;
    const scale = cached.scale / this.distanceScale; // in this cloud's units
    if (!Number.isNaN(own) && Math.abs(Math.log(own / t)) <= Math.abs(Math.log(scale / t))) return false;
    ws.loadFactor(cached.factor, scale);
    this.borrowed = cached;
    ws.factorIterations = cached.iterations;
    return true;
  }

  /** Keep the fresh factor in ws.F for the sequence's later clouds (PCG then needs ~2 more iterations). */
  private keepFactor(): void {
    const ws = this.ws;
    if (this.sequence === undefined) return;
    storeFactor(this.sequence, ws.n, ws.factorScale * this.distanceScale, ws.factorIterations + 2, (into) =>
      ws.copyFactorTo(into),
    );
  }
}

/**
 * Start from `hint` (an earlier similar cloud's weights at this scale, src/core/warm-start.ts) when its
 * residual ‖1 − Z·hint‖ is smaller than that of the start the grid would use (ws.x when `warm`, else
 * 1/(Z·1)); true when ws.x now holds the chosen start. Costs one or two mat-vecs.
 */
function pickStart(ws: FastWorkspace, warm: boolean, hint: Float64Array): boolean {
  const { n, x } = ws;
  if (!warm) {
    const rowSums = ws.loadRowSums();
    for (let i = 0; i < n; i++) x[i] = 1 / rowSums[i];
  }
  const own = residualSquared(ws);
  const keep = x.slice();
  x.set(hint);
  const theirs = residualSquared(ws);
  if (!(theirs < own)) x.set(keep);
  return true;
}

/** ‖1 − Z·ws.x‖² for the matrix in ws.Z (uses ws.q as scratch). */
function residualSquared(ws: FastWorkspace): number {
  const { k, n, q } = ws;
  k.symvLower64(ws.pZ, n, ws.pX, ws.pQ);
  let s = 0;
  for (let i = 0; i < n; i++) s += (1 - q[i]) * (1 - q[i]);
  return s;
}

/**
 * Every off-diagonal entry of Z flushed to 0 (their sum is exactly 0): Z = I, w = 1, Mag = n exactly
 * (as the exact engine returns; the flushed entries are < 1e-20 each).
 */
function identitySolution(ws: FastWorkspace): ScaleSolution | null {
  if (ws.zLowerSum !== 0) return null;
  ws.x.fill(1);
  return { magnitude: ws.n, positiveMagnitude: ws.n, info: { solver: "closed-form", errorBound: 0 } };
}

function maxRow(ws: FastWorkspace): number {
  let m = 0;
  for (let i = 0; i < ws.n; i++) m = Math.max(m, ws.rowSums[i]);
  return m;
}

/**
 * Dense f64 Cholesky of Z in place (no second n×n f64 buffer: 8·n² bytes less per thread), then Z is
 * rebuilt as exp(−tD) from D, so callers find Z as before (one exp pass, against the n³/3 flops of the
 * factorisation). A Z built by the Hadamard recurrence comes back through exp: the same matrix up to
 * rounding in the last bits.
 */
function denseCholesky(ws: FastWorkspace): ScaleSolution | null {
  const { k, n, x } = ws;
  const t = ws.zScale;
  const status = k.cholesky64(ws.pZ, n, 64);
  if (status === 0) {
    x.fill(1);
    k.solveLower64(ws.pZ, n, ws.pX);
    k.solveLowerT64(ws.pZ, n, ws.pX);
  }
  ws.loadScale(t);
  if (status !== 0) return null;
  let pos = 0;
  for (let i = 0; i < n; i++) if (x[i] > 0) pos += x[i];
  return { magnitude: neumaierSum(x), positiveMagnitude: pos, info: { solver: "cholesky" } };
}

/** Starting guess w_i = 1/(Z·1)_i: exact as t → 0 (1/n) and as t → ∞ (1). Needs ws.rowSums. */
export function rowSumGuess(ws: FastWorkspace): void {
  const rowSums = ws.loadRowSums();
  for (let i = 0; i < ws.n; i++) ws.x[i] = 1 / rowSums[i];
}
