import { magArea, magAreaScaled } from "./area.js";
import { dedupRows } from "./dedup.js";
import { dimensionProfile, magnitudeDimension } from "./dimension.js";
import { offDiagonalStats, pairwiseDistances } from "./distances.js";
import type { DistanceContext, MagnitudeEngine } from "./engine.js";
import { DEFAULT_MODE, engineFor } from "./engines.js";
import { InputError, NumericalError } from "./errors.js";
import { makeGrid } from "./grid.js";
import { checkMemoryBudget } from "./memory-budget.js";
import { withDimensionFit } from "./profile-fit.js";
import { divideCloud, scaleUnit } from "./scale-unit.js";
import type { MagnitudeAtScale } from "./solve.js";
import type {
  DistanceMetric,
  EngineMode,
  MagnitudeProfile,
  PointCloud,
  ProfileOptions,
  SolveInfo,
} from "./types.js";
import { validatePointCloud, validateQ, validateScale } from "./validate.js";
import { startsFor, type WarmStart } from "./warm-start.js";

const now = (): number => globalThis.performance.now();

export interface Prepared {
  readonly ctx: DistanceContext;
  readonly metric: DistanceMetric;
  readonly keptIndices: Int32Array;
  readonly duplicatesRemoved: number;
  readonly timingsMs: Record<string, number>;
}

/** Validate, drop exact duplicate rows, compute the distance matrix once. */
function prepare(
  points: PointCloud,
  metric: DistanceMetric | undefined,
  engine: MagnitudeEngine = engineFor(undefined),
): Prepared {
  const timingsMs: Record<string, number> = {};
  let t0 = now();
  validatePointCloud(points);
  const dd = dedupRows(points);
  timingsMs.dedup = now() - t0;
  t0 = now();
  const m = metric ?? "euclidean";
  const ctx = engine.distances?.(dd.points, m) ?? coreDistances(dd.points, m);
  timingsMs.distances = now() - t0;
  return {
    ctx,
    metric: m,
    keptIndices: dd.keptIndices,
    duplicatesRemoved: dd.duplicatesRemoved,
    timingsMs,
  };
}

function coreDistances(points: PointCloud, metric: DistanceMetric): DistanceContext {
  const D = pairwiseDistances(points, metric);
  return { D, n: points.n, stats: offDiagonalStats(D, points.n) };
}

export function checkOptions(options: ProfileOptions): void {
  validateQ(options.q ?? 0.95);
  if (options.tMax !== undefined) {
    validateScale(options.tMax, "tMax");
    if (options.tMax === 0)
      throw new InputError("tmax-zero", "tMax = 0: the evaluation interval [0, T] needs T > 0");
  }
  if (options.maxMemoryBytes !== undefined && !(options.maxMemoryBytes > 0)) {
    throw new InputError("max-memory-invalid", `maxMemoryBytes = ${options.maxMemoryBytes} must be > 0`);
  }
  const rtol = options.tConvRtol ?? 1e-10;
  if (!(rtol > 0 && rtol < 1)) throw new InputError("rtol-invalid", `tConvRtol = ${rtol} must lie in (0, 1)`);
  if (options.mode !== undefined && !["exact", "fast", "large"].includes(options.mode)) {
    throw new InputError("mode-unknown", `mode "${String(options.mode)}": use "exact", "fast" or "large"`);
  }
}

/** Everything computeProfile knows before the grid is evaluated. */
export interface ProfilePlan {
  /** Points as given (duplicates included) and their dimension (0 for a distance matrix without d). */
  readonly n: number;
  readonly d: number;
  readonly options: ProfileOptions;
  readonly engine: MagnitudeEngine;
  readonly prep: Prepared;
  readonly q: number;
  readonly tConv: number | null;
  readonly tConvInfo?: SolveInfo;
  readonly tConvError?: string;
  /**
   * The cloud is computed as X / unit (scale-unit.ts); tConv, T and scales here are in those units
   * (t · unit), which the engines evaluate; finishProfile reports them in the data's units.
   */
  readonly unit: number;
  readonly T: number;
  readonly scales: Float64Array;
  readonly started: number;
}

/** What a plan starts from: the input prepared (distinct points, distances) in its unit. */
export type PreparedInput = Pick<ProfilePlan, "n" | "d" | "options" | "engine" | "prep" | "unit" | "started">;

/** checkMemoryBudget for a profile of n points in R^d with these options (mode, --max-memory, source). */
export function checkProfileMemory(
  n: number,
  d: number,
  metric: DistanceMetric,
  options: ProfileOptions,
): void {
  checkMemoryBudget({
    n,
    d,
    mode: options.mode ?? DEFAULT_MODE,
    metric,
    ...(options.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: options.maxMemoryBytes }),
    ...(options.source === undefined ? {} : { source: options.source }),
  });
}

/** First half of computeProfile: validate, de-duplicate, distances, t_conv, the grid on [0, T]. */
export function planProfile(points: PointCloud, options: ProfileOptions = {}): ProfilePlan {
  checkOptions(options);
  const started = now();
  const engine = engineFor(options.mode);
  validatePointCloud(points);
  // before anything of size n²: refuse what would not fit, naming the cloud and what helps
  checkProfileMemory(points.n, points.d, options.metric ?? "euclidean", options);
  const unit = scaleUnit(points);
  const prep = prepare(divideCloud(points, unit), options.metric, engine);
  return planPrepared({ n: points.n, d: points.d, options, engine, prep, unit, started });
}

/** t_conv and the grid on [0, T] of a prepared input (a cloud's, or a distance matrix's). */
export function planPrepared(input: PreparedInput): ProfilePlan {
  const { options, engine, prep, unit } = input;
  const q = options.q ?? 0.95;
  const nScales = options.nScales ?? 30;
  const gridKind = options.grid ?? "linear";
  const tMax = options.tMax === undefined ? undefined : options.tMax * unit;
  if (tMax !== undefined && !(tMax > 0 && Number.isFinite(tMax))) {
    throw new NumericalError(
      "interval-degenerate",
      `tMax = ${options.tMax} on data with max |x| ≈ ${unit}: the scale t · max|x| is not representable`,
    );
  }
  const { ctx, timingsMs } = prep;

  let tConv: number | null = null;
  let tConvInfo: SolveInfo | undefined;
  let tConvError: string | undefined;
  const t0 = now();
  if (ctx.n > 1) {
    try {
      const r = engine.tConv(
        ctx,
        q,
        options.tConvRtol ?? 1e-10,
        options.sequence === undefined ? {} : { sequence: options.sequence },
      );
      tConv = r.tConv;
      tConvInfo = r.info;
    } catch (err) {
      if (!(err instanceof NumericalError) || tMax === undefined) throw err;
      tConvError = err.message;
    }
  }
  timingsMs.tConv = now() - t0;

  const T = tMax ?? tConv ?? unit; // one distinct point: T = 1 in the data's units
  if (!(T > 0 && Number.isFinite(T))) {
    throw new NumericalError("interval-degenerate", `evaluation interval end T = ${T}; pass tMax`);
  }
  const scales = makeGrid(gridKind, T, nScales);
  return {
    ...input,
    q,
    tConv,
    ...(tConvInfo ? { tConvInfo } : {}),
    ...(tConvError ? { tConvError } : {}),
    T,
    scales,
  };
}

/** Second half of computeProfile: the summaries from the magnitude at every grid scale. */
export function finishProfile(
  plan: ProfilePlan,
  results: MagnitudeAtScale[],
  gridMs: number,
): MagnitudeProfile {
  const { prep, unit } = plan;
  // Back to the data's units: t = t' / unit (exact, unit is a power of two).
  const scales = unit === 1 ? plan.scales : plan.scales.map((t) => t / unit);
  const timingsMs = prep.timingsMs;
  timingsMs.grid = gridMs;
  const wantWeights = plan.options.weights ?? false;
  const magnitude = Float64Array.from(results, (r) => r.magnitude);
  const positiveMagnitude = Float64Array.from(results, (r) => r.positiveMagnitude);
  const dim = dimensionProfile(scales, magnitude);
  timingsMs.total = now() - plan.started;

  const profile: MagnitudeProfile = {
    n: plan.n,
    nDistinct: prep.ctx.n,
    duplicatesRemoved: prep.duplicatesRemoved,
    d: plan.d,
    metric: prep.metric,
    q: plan.q,
    tConv: plan.tConv === null ? null : plan.tConv / unit,
    ...(plan.tConvInfo ? { tConvInfo: plan.tConvInfo } : {}),
    ...(plan.tConvError ? { tConvError: plan.tConvError } : {}),
    T: plan.T / unit,
    grid: plan.options.grid ?? "linear",
    scales,
    magnitude,
    positiveMagnitude,
    solveInfo: results.map((r) => r.info),
    magArea: magArea(scales, magnitude),
    magAreaScaled: magAreaScaled(scales, magnitude),
    dimensionProfile: dim,
    magnitudeDimension: magnitudeDimension(dim.values),
    keptIndices: prep.keptIndices,
    ...(wantWeights ? { weights: results.map((r) => r.weights ?? new Float64Array(0)) } : {}),
    timingsMs,
  };
  return profile;
}

/**
 * The magnitude profile of a point cloud: de-duplicate, distances once, t_conv(q) (always, even when
 * tMax pins T), grid on [0, T] with T = tMax ?? t_conv, magnitude and PMag at every scale with the
 * solver recorded, MagArea (raw and /T), dimension profile and its maximum, and timings.
 * With one distinct point Mag ≡ 1, tConv is null and T = tMax ?? 1.
 * (planProfile + the engine's evaluateScales + finishProfile; src/sync/pool.ts splits the middle
 * step across worker threads.)
 */
export function computeProfile(points: PointCloud, options: ProfileOptions = {}): MagnitudeProfile {
  return profileOfPlan(planProfile(points, options));
}

/** The grid, the summaries and the fitted dimension of a plan (the rest of computeProfile). */
export function profileOfPlan(plan: ProfilePlan): MagnitudeProfile {
  const { options } = plan;
  const t0 = now();
  const { keptIndices } = plan.prep;
  const starts = startsFor(options.warmStart, keptIndices, plan.unit, plan.scales);
  // the grid's weights: for the caller (keepWarmStart) and to start the dimension fit's solves from
  const fitting = options.dimensionFit !== undefined && options.dimensionFit !== false;
  const keep: (Float64Array | null)[] | undefined = options.keepWarmStart || fitting ? [] : undefined;
  const results = plan.engine.evaluateScales(plan.prep.ctx, plan.scales, {
    weights: options.weights ?? false,
    ...(starts === undefined && keep === undefined ? {} : { warm: { starts, keep } }),
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
  });
  const profile = finishProfile(plan, results, now() - t0);
  const warmStart: WarmStart | undefined =
    keep === undefined || !options.keepWarmStart
      ? undefined
      : { keptIndices, unit: plan.unit, scales: plan.scales, weights: keep };
  return withDimensionFit(plan, warmStart === undefined ? profile : { ...profile, warmStart }, keep);
}

export interface MagnitudeOptions {
  readonly metric?: DistanceMetric;
  readonly mode?: EngineMode;
  readonly weights?: boolean;
}

/** Mag(tX), PMag and (optionally) weights over the distinct points at one scale t ≥ 0. */
export function magnitudeAt(
  points: PointCloud,
  t: number,
  options: MagnitudeOptions = {},
): MagnitudeAtScale & { keptIndices: Int32Array } {
  validateScale(t);
  const prep = prepare(points, options.metric, engineFor(options.mode));
  const r = engineFor(options.mode).evaluate(prep.ctx, t, { weights: options.weights ?? false });
  return { ...r, keptIndices: prep.keptIndices };
}

/** The magnitude function at given scales (each finite, ≥ 0; any order). */
export function magnitudeFunction(
  points: PointCloud,
  scales: ArrayLike<number>,
  options: MagnitudeOptions = {},
): {
  scales: Float64Array;
  magnitude: Float64Array;
  positiveMagnitude: Float64Array;
  solveInfo: SolveInfo[];
  weights?: Float64Array[];
  keptIndices: Int32Array;
} {
  const ts = Float64Array.from(scales);
  for (let i = 0; i < ts.length; i++) validateScale(ts[i], `scales[${i}]`);
  const prep = prepare(points, options.metric, engineFor(options.mode));
  const wantWeights = options.weights ?? false;
  const results = engineFor(options.mode).evaluateScales(prep.ctx, ts, { weights: wantWeights });
  return {
    scales: ts,
    magnitude: Float64Array.from(results, (r) => r.magnitude),
    positiveMagnitude: Float64Array.from(results, (r) => r.positiveMagnitude),
    solveInfo: results.map((r) => r.info),
    ...(wantWeights ? { weights: results.map((r) => r.weights ?? new Float64Array(0)) } : {}),
    keptIndices: prep.keptIndices,
  };
}

/**
 * The t_conv computeProfile(points, options) would report, in the data's units, without evaluating
 * the grid or the dimension fit (null: one distinct point). Throws where computeProfile would.
 */
export function profileTConv(points: PointCloud, options: ProfileOptions = {}): number | null {
  const plan = planProfile(points, options);
  return plan.tConv === null ? null : plan.tConv / plan.unit;
}

/** t_conv(q) of a cloud (distinct points), to relative tolerance rtol (default 1e-10). */
export function tConvOf(
  points: PointCloud,
  q = 0.95,
  options: { metric?: DistanceMetric; mode?: EngineMode; rtol?: number } = {},
): { tConv: number; info: SolveInfo; bracket: readonly [number, number] } {
  validateQ(q);
  const prep = prepare(points, options.metric, engineFor(options.mode));
  if (prep.ctx.n === 1) {
    throw new NumericalError("t-conv-single-point", "t_conv: a single distinct point has Mag ≡ 1; no t_conv");
  }
  const r = engineFor(options.mode).tConv(prep.ctx, q, options.rtol ?? 1e-10);
  return { tConv: r.tConv, info: r.info, bracket: r.bracket };
}
