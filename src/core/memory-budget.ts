import { InputError } from "./errors.js";
import type { DistanceMetric, EngineMode } from "./types.js";

/**
 * What one profile of an n × d cloud allocates, by part, in bytes — checked against a budget BEFORE
 * anything of size n² exists (planProfile calls checkMemoryBudget first), so a cloud that would not
 * fit is refused with a typed error instead of dying inside the allocator.
 *
 * n is the number of rows before de-duplication: an upper bound on the distinct points computed.
 */
export interface MemoryNeed {
  readonly bytes: number;
  readonly parts: Readonly<Record<string, number>>;
}

/** Largest single WebAssembly memory (wasm32 addresses 4 GiB; 64 KiB pages, the last one kept free). */
export const MAX_WASM_MEMORY = 4 * 1024 ** 3 - 65536;

/** Kernel-memory bytes of a FastWorkspace(n, d) (src/core/fast/workspace.ts), without the module's own data. */
export function fastWorkspaceBytes(n: number, d: number): number {
  // D, Z, Z_step (f64, n×n each, lower triangles used) + F (f32 factor, n×n)
  const matrices = 3 * 8 * n * n + 4 * n * n;
  // 9 f64 vectors (x, r, p, q, ones, row sums, M·r, norms, slack for alignment) + 1 f32 vector
  const vectors = 9 * 8 * n + 4 * n + 16 * 16;
  const points = 2 * 8 * n * d; // raw and centred coordinates (Euclidean distances in wasm)
  return matrices + vectors + points;
}

/**
 * Kernel-free bytes of mode "large" (src/core/large): packed lower triangles of D and Z_t (n(n+1)/2
 * doubles each), the row sums and 4 CG vectors plus one weights copy (n doubles each), and the
 * median sample of the t_conv bracket seed (≤ 2^20 doubles).
 */
export function largeEngineBytes(n: number): {
  packedDistances: number;
  packedSimilarity: number;
  vectors: number;
} {
  const packed = 8 * ((n * (n + 1)) / 2);
  return {
    packedDistances: packed,
    packedSimilarity: packed,
    vectors: 6 * 8 * n + 8 * Math.min((n * (n - 1)) / 2, 2 ** 20),
  };
}

/**
 * Bytes a profile needs with the given engine:
 * - both: the JS distance matrix (n² doubles; shared with worker threads) and the cloud's copies
 *   (scaled and de-duplicated, 2·n·d doubles);
 * - exact: Z_t factorised in place (n² doubles) per scale;
 * - fast: the kernel workspace above, plus Z_t of the exact engine when a scale falls back to it
 *   (Z not numerically positive definite; n² doubles).
 * - large: no n×n matrix at all; largeEngineBytes (≈ 8·n²) and the cloud's copies.
 * Not counted: the eigen fallback of non-positive-definite Z (ml-matrix, a few more n² arrays), which
 * Euclidean clouds of distinct points never reach in exact arithmetic.
 */
export function profileMemoryNeed(
  n: number,
  d: number,
  mode: EngineMode,
  metric: DistanceMetric = "euclidean",
): MemoryNeed {
  const distances = 8 * n * n;
  const cloudCopies = 2 * 8 * n * d;
  const parts: Record<string, number> =
    mode === "large"
      ? { cloudCopies, ...largeEngineBytes(n) }
      : mode === "exact"
        ? { distances, cloudCopies, similarity: 8 * n * n }
        : {
            distances,
            cloudCopies,
            kernelWorkspace: fastWorkspaceBytes(n, metric === "euclidean" ? d : 0),
            exactFallback: 8 * n * n,
          };
  const bytes = Object.values(parts).reduce((a, b) => a + b, 0);
  return { bytes, parts };
}

/** Largest n whose profile fits `budgetBytes` (and, fast mode, one wasm memory); 1 when none does. */
export function largestFittingN(
  budgetBytes: number,
  d: number,
  mode: EngineMode,
  metric: DistanceMetric = "euclidean",
): number {
  const fits = (n: number) =>
    profileMemoryNeed(n, d, mode, metric).bytes <= budgetBytes &&
    (mode !== "fast" || fastWorkspaceBytes(n, metric === "euclidean" ? d : 0) <= MAX_WASM_MEMORY);
  let lo = 1;
  let hi = 1;
  while (fits(hi * 2) && hi < 2 ** 26) hi *= 2;
  hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

export const formatBytes = (b: number): string =>
  b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : `${(b / 1024 ** 2).toFixed(1)} MiB`;

export interface BudgetCheck {
  readonly n: number;
  readonly d: number;
  readonly mode: EngineMode;
  readonly metric?: DistanceMetric;
  /** Bytes this profile may use; undefined: no budget (only the wasm limit applies). */
  readonly maxMemoryBytes?: number;
  /** What the cloud is (a file, file:array, run/layer/step) for the message. */
  readonly source?: string;
}

/**
 * Throws InputError "cloud-over-memory-budget" when the profile would exceed the budget, or
 * "cloud-too-large" when the fast engine's workspace cannot fit one WebAssembly memory at all. The
 * message names the cloud, n, the bytes needed and what helps: --max-points (subsample to a size
 * that fits, stated), --max-memory, or --mode large (no wasm limit, 8·n² bytes, CG per scale with its
 * error bound; Euclidean) — --mode exact for other metrics (one O(n³) factorisation per scale).
 */
/**
 * What computes a cloud beyond the fast engine: --mode large for Euclidean clouds (no wasm limit,
 * ≈ 8·n² bytes, CG at every scale), else --mode exact (16·n² bytes, one O(n³) factorisation per
 * scale); "with a larger --max-memory" when that need is over the budget too.
 */
function beyondFast(n: number, d: number, metric: DistanceMetric, budget: number | undefined): string {
  const mode = metric === "euclidean" ? "large" : "exact";
  const bytes = profileMemoryNeed(n, d, mode, metric).bytes;
  const what =
    mode === "large"
      ? `--mode large (no such limit, about ${formatBytes(bytes)}, conjugate gradient at every scale with its error bound)`
      : `--mode exact (no such limit, about ${formatBytes(bytes)}, one O(n³) factorisation per scale)`;
  return budget !== undefined && bytes > budget ? `${what} with a larger --max-memory` : what;
}

export function checkMemoryBudget(c: BudgetCheck): MemoryNeed {
  const metric = c.metric ?? "euclidean";
  const need = profileMemoryNeed(c.n, c.d, c.mode, metric);
  const where = c.source === undefined ? "cloud" : c.source;
  const details = { n: c.n, d: c.d, mode: c.mode, neededBytes: need.bytes, parts: need.parts };
  const budget = c.maxMemoryBytes;
  if (budget !== undefined && need.bytes > budget) {
    const fitN = largestFittingN(budget, c.d, c.mode, metric);
    throw new InputError(
      "cloud-over-memory-budget",
      `${where}: n = ${c.n} points (d = ${c.d}) need about ${formatBytes(need.bytes)} for one ${c.mode} ` +
        `profile, over --max-memory ${formatBytes(budget)}; use --max-points ${fitN} (largest n that fits; ` +
        `the profile is then computed on that subsample, announced) or ` +
        (c.mode === "fast" && fastWorkspaceBytes(c.n, metric === "euclidean" ? c.d : 0) > MAX_WASM_MEMORY
          ? `${beyondFast(c.n, c.d, metric, budget)} (the fast engine's workspace cannot exceed one ` +
            `WebAssembly memory, ${formatBytes(MAX_WASM_MEMORY)}, whatever the budget)`
          : c.mode === "fast" &&
              metric === "euclidean" &&
              profileMemoryNeed(c.n, c.d, "large").bytes <= budget
            ? `${beyondFast(c.n, c.d, metric, budget)}, or raise --max-memory`
            : "raise --max-memory"),
      { details: { ...details, maxMemoryBytes: budget, largestFittingN: fitN } },
    );
  }
  const ws = fastWorkspaceBytes(c.n, metric === "euclidean" ? c.d : 0);
  if (c.mode === "fast" && ws > MAX_WASM_MEMORY) {
    const fitN = largestFittingN(budget ?? Number.POSITIVE_INFINITY, c.d, "fast", metric);
    throw new InputError(
      "cloud-too-large",
      `${where}: n = ${c.n} points (d = ${c.d}) need a ${formatBytes(ws)} kernel workspace, more than one ` +
        `WebAssembly memory holds (${formatBytes(MAX_WASM_MEMORY)}); use --max-points ${fitN} (largest n the ` +
        `fast engine supports) or ${beyondFast(c.n, c.d, metric, budget)}`,
      { details: { ...details, kernelWorkspaceBytes: ws, largestFittingN: fitN } },
    );
  }
  return need;
}
