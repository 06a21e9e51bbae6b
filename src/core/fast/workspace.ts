import { KernelArena } from "../../kernels/arena.js";
import { createKernels } from "../../kernels/loader.js";
import type { DenseKernels } from "../../kernels/types.js";
import { leaseKernels } from "./kernel-reuse.js";

/** Entries of Z below this are set to 0: they would drive the arithmetic into subnormals (10–15× slower). */
export const FLUSH_BELOW = 1e-20;

/**
 * Gram-trick distances D² = ‖a‖² + ‖b‖² − 2a·b lose about log10((‖a‖² + ‖b‖²)/D²) digits; below this
 * ratio the pair is recomputed as Σ(a − b)² (costs a few pairs for ordinary clouds, keeps ~13 digits).
 */
export const RECOMPUTE_BELOW = 1e-2;

/**
 * One cloud's matrices in kernel memory: D (lower triangle), the current similarity matrix Z, Z at the
 * first grid step (for the linear-grid recurrence), an f32 factor buffer and the vectors CG needs:
 * 28·n² bytes plus O(n·d) (src/core/memory-budget.ts counts them). The rare f64 Cholesky factorises Z
 * in place and reloads it (scale-solve.ts), so no second f64 n×n buffer is kept. Allocated once per
 * distance context and reused by every probe and scale.
 */
export class FastWorkspace {
  readonly k: DenseKernels;
  readonly n: number;
  readonly pD: number;
  readonly pZ: number;
  readonly pZ1: number;
  readonly pX: number; // iterate / weights
  readonly pR: number; // residual
  readonly pP: number; // search direction
  readonly pQ: number; // Z·p
  readonly pOnes: number;
  readonly pRow: number; // row sums of Z
  readonly pF: number; // f32 Cholesky factor (mixed-precision preconditioner), n×n lower
  readonly pV32: number; // f32 vector for the preconditioner's triangular solves
  readonly pW: number; // M·r (preconditioned residual)
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly rowSums: Float64Array;
  readonly w: Float64Array;
  readonly v32: Float32Array;
  /** The closest pair of points (i > j; −1 before distances are loaded): caps λ_min estimates. */
  closestI = -1;
  closestJ = -1;
  /** Scale whose f32 factor is in F (NaN when none). */
  factorScale = Number.NaN;
  /**
   * PCG iterations that factor last needed in a grid (NaN: not known). A later grid on this cloud (the
   * dimension fit after the layer's grid) starts from the factor with this history instead of a fresh one.
   */
  factorIterations = Number.NaN;
  /** Scale currently held in Z (NaN when none). */
  zScale = Number.NaN;
  /** Σ_{j<i} Z_ij of the matrix in Z. */
  zLowerSum = 0;
  /** Whether rowSums holds Z·1 of the matrix now in Z (every load of Z clears it). */
  private rowSumsCurrent = false;

  private readonly arena: KernelArena;
  private readonly d: number;
  private readonly pPoints: number;
  private readonly pCentred: number;
  private readonly pNorms: number;

  /**
   * False once another workspace has taken over this one's reused kernel memory (`reuse`): it must not
   * be used any more (kernel-reuse.ts).
   */
  live = true;

  /**
   * n points; d > 0 reserves room for the coordinates too (for computeDistances). `reuse`: lease the
   * thread's kernel memory (kernel-reuse.ts) instead of a fresh instance; a later leasing workspace
   * then revokes this one (`live` becomes false).
   */
  constructor(n: number, d = 0, prefer?: "wasm" | "ts", reuse = false) {
    this.k = reuse ? leaseKernels({ revoke: () => (this.live = false) }, prefer) : createKernels(prefer);
    this.n = n;
    this.d = d;
    const a = new KernelArena(this.k);
    this.arena = a;
    this.pD = a.reserve64(n * n);
    this.pZ = a.reserve64(n * n);
    this.pZ1 = a.reserve64(n * n);
    this.pX = a.reserve64(n);
    this.pR = a.reserve64(n);
    this.pP = a.reserve64(n);
    this.pQ = a.reserve64(n);
    this.pOnes = a.reserve64(n);
    this.pRow = a.reserve64(n);
    this.pF = a.reserve32(n * n);
    this.pV32 = a.reserve32(n);
    this.pW = a.reserve64(n);
    this.pPoints = a.reserve64(n * d);
    this.pCentred = a.reserve64(n * d);
    this.pNorms = a.reserve64(n);
    a.commit();
    this.x = a.f64(this.pX, n);
    this.r = a.f64(this.pR, n);
    this.p = a.f64(this.pP, n);
    this.q = a.f64(this.pQ, n);
    this.rowSums = a.f64(this.pRow, n);
    this.w = a.f64(this.pW, n);
    this.v32 = a.f32(this.pV32, n);
    a.f64(this.pOnes, n).fill(1);
    this.zView = a.f64(this.pZ, n * n);
    this.fView = a.f32(this.pF, n * n);
  }

  private readonly zView: Float64Array;
  private readonly fView: Float32Array;

  /** The closest pair in the lower triangle of D (kernel memory). */
  private findClosestPair(): void {
    const at = this.k.closestPairLower(this.pD, this.n);
    this.closestI = at < 0 ? -1 : Math.floor(at / this.n);
    this.closestJ = at < 0 ? -1 : at % this.n;
  }

  /**
   * Upper bound on λ_min(Z) for the loaded Z: by interlacing, λ_min(Z) ≤ λ_min of the 2×2 principal
   * submatrix of the closest pair = 1 − Z_ij. Caps the Ritz estimate, which misses eigenvectors that
   * the right-hand side barely excites (near-duplicate points: λ_min ≈ t·δ_min). 1 when unknown.
   */
  lambdaMinCap(): number {
    if (this.closestI < 0) return 1;
    return 1 - this.zView[this.closestI * this.n + this.closestJ];
  }

  /**
   * Upper bound on λ_min(FFᵀ)⁻¹Z) for the factor in F: the Rayleigh quotient of the pencil (Z, FFᵀ) at
   * v = e_i − e_j (closest pair), vᵀZv / ‖Fᵀv‖² = (2 − 2Z_ij) / Σ_k (F_ik − F_jk)².
   */
  preconditionedLambdaCap(): number {
    const { closestI: i, closestJ: j, n } = this;
    if (i < 0) return Number.POSITIVE_INFINITY;
    const F = this.fView;
    let s = 0;
    for (let k = 0; k <= i; k++) {
      const e = F[i * n + k] - (k <= j ? F[j * n + k] : 0);
      s += e * e;
    }
    return s > 0 ? (2 - 2 * this.zView[i * n + j]) / s : Number.POSITIVE_INFINITY;
  }

  /** Copy the f32 factor buffer F (n×n, lower triangle meaningful) into `into` (length n²). */
  copyFactorTo(into: Float32Array): void {
    into.set(this.fView);
  }

  /** Load an f32 factor made elsewhere (an earlier cloud of the same rows) into F. */
  loadFactor(factor: Float32Array, scale: number): void {
    this.fView.set(factor);
    this.factorScale = scale;
  }

  /** Load a full n×n distance matrix (only its lower triangle is used). */
  loadDistances(D: Float64Array): void {
    this.arena.f64(this.pD, this.n * this.n).set(D);
    this.findClosestPair();
  }

  /**
   * Euclidean distances of the n×d rows in wasm (Gram trick on centred rows, cancelling pairs
   * recomputed from the original rows), into the lower triangle of D in kernel memory. Deterministic:
   * the same rows give the same bits (LazyDistances relies on it).
   */
  computeLowerDistances(points: Float64Array): void {
    const { n, d } = this;
    this.arena.f64(this.pPoints, n * d).set(points);
    const centred = this.arena.f64(this.pCentred, n * d);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += points[i * d + c];
    for (let c = 0; c < d; c++) mean[c] /= n;
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) centred[i * d + c] = points[i * d + c] - mean[c];
    this.k.rowSquaredNorms(this.pCentred, n, d, this.pNorms);
    this.k.distancesLower(this.pCentred, this.pPoints, n, d, this.pNorms, this.pD, RECOMPUTE_BELOW);
    this.findClosestPair();
  }

  /**
   * Smallest positive and largest distance of the pairs (NaN for n < 2): one SIMD scan of D's lower
   * triangle (lowerMinMax; the JS scan took ≈ 1.5–2.3 ms per 1000-point cloud in the sync). q is CG's
   * scratch, free at this point.
   */
  distanceMinMax(): { min: number; max: number } {
    if (this.n < 2) return { min: Number.NaN, max: Number.NaN };
    this.k.lowerMinMax(this.pD, this.n, this.pQ);
    return { min: this.q[0]!, max: this.q[1]! };
  }

  /** The lower triangle of D in kernel memory (a view: invalid after the memory grows). */
  lowerDistances(): Float64Array {
    return this.arena.f64(this.pD, this.n * this.n);
  }

  /** D as a full symmetric n×n matrix, copied out of kernel memory. */
  fullDistances(): Float64Array {
    const { n } = this;
    const lower = this.lowerDistances();
    // shared memory when the runtime has it: a split profile hands D to worker threads without a copy
    const full =
      typeof SharedArrayBuffer === "function"
        ? new Float64Array(new SharedArrayBuffer(n * n * 8))
        : new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const v = lower[i * n + j];
        full[i * n + j] = v;
        full[j * n + i] = v;
      }
    }
    return full;
  }

  /** computeLowerDistances, returned as a full symmetric n×n matrix. */
  computeDistances(points: Float64Array): Float64Array {
    this.computeLowerDistances(points);
    return this.fullDistances();
  }

  /**
   * Z = exp(−tD) (lower triangle, flushed), and its row sums Z·1 from the same pass
   * (expNegRowSumsLower: nearly every loaded scale's solve reads them, and the pass is bound by exp,
   * not by memory, so they cost ≈ 2 % of it instead of a mat-vec).
   */
  loadScale(t: number): void {
    this.zLowerSum = this.k.expNegRowSumsLower(this.pD, this.pZ, this.n, t, FLUSH_BELOW, this.pRow);
    this.zScale = t;
    this.rowSumsCurrent = true;
  }

  /** Z1 = exp(−hD): the step of a linear grid. */
  loadStep(h: number): void {
    this.k.expNegLower(this.pD, this.pZ1, this.n, h, FLUSH_BELOW);
  }

  /**
   * Z ← Z ∘ Z1: from exp(−khD) to exp(−(k+1)hD) without exp; the row sums Z·1 that every grid scale's
   * solve reads come out of the same pass (hadamardRowSumsLower: one read of Z instead of two).
   */
  advance(t: number): void {
    this.zLowerSum = this.k.hadamardRowSumsLower(this.pZ, this.pZ1, this.n, FLUSH_BELOW, this.pRow);
    this.zScale = t;
    this.rowSumsCurrent = true;
  }

  /** Z at the step scale itself: copy Z1 into Z. */
  loadFromStep(t: number): void {
    this.k.copyLower64(this.pZ1, this.pZ, this.n);
    this.rowSumsCurrent = false;
    let s = 0;
    // Σ_{j<i} Z_ij via row sums: (Z·1 summed − n)/2
    for (const r of this.loadRowSums()) s += r;
    this.zLowerSum = (s - this.n) / 2;
    this.zScale = t;
  }

  /**
   * rowSums = Z·1 of the matrix in Z: one mat-vec the first time after Z was loaded, then kept (the
   * Gershgorin bound, the start 1/(Z·1) and the rounding terms all read the same row sums).
   */
  loadRowSums(): Float64Array {
    if (!this.rowSumsCurrent) {
      this.k.symvLower64(this.pZ, this.n, this.pOnes, this.pRow);
      this.rowSumsCurrent = true;
    }
    return this.rowSums;
  }

  /** Cauchy–Schwarz: Mag ≥ n² / Σ_ij Z_ij (positive definite Z), from the matrix in Z. */
  cauchySchwarzLower(): number {
    return (this.n * this.n) / (this.n + 2 * this.zLowerSum);
  }
}
