import type { DistanceContext } from "../engine.js";
import type { PointCloud } from "../types.js";
import { sampledLowerTriangleMedian } from "./select.js";
import { FastWorkspace } from "./workspace.js";

/**
 * A distance context whose full n×n matrix is only built when someone asks for it (issue 16). The fast
 * engine works on the lower triangle in kernel memory; the full matrix is for the exact engine's
 * fallbacks and for profiles split across threads. Not building it saves a fresh 8·n² bytes per cloud
 * (n = 1000: 8 MB, measured ≈ 25–50 ms of first-touch page faults on this machine).
 *
 * `workspace` holds D while it is live (kernel-reuse.ts); once a later cloud has taken its memory, D is
 * recomputed from the points by the same deterministic kernel (bit-identical values).
 */
export class LazyDistances implements DistanceContext {
  readonly n: number;
  readonly stats: DistanceContext["stats"];
  private full: Float64Array | null = null;

  constructor(
    private readonly points: PointCloud,
    public workspace: FastWorkspace,
  ) {
    this.n = points.n;
    const { min, max } = workspace.distanceMinMax();
    let median: number | undefined;
    const self = this;
    // The median only seeds the t_conv bracket (bracketStart), which a sync's later steps skip (they
    // start from the previous step's t_conv): taken when first asked, ≈ 4 ms per 1000-point cloud saved
    // otherwise. From the live workspace's D, or from the full matrix (D is deterministic: same value).
    this.stats = {
      min,
      max,
      get median(): number {
        median ??= self.workspace.live
          ? sampledLowerTriangleMedian(self.workspace.lowerDistances(), self.n)
          : sampledLowerTriangleMedian(self.D, self.n);
        return median;
      },
    };
  }

  /** Euclidean distances of `points` in a leased workspace (the thread's reused kernel memory). */
  static compute(points: PointCloud): LazyDistances {
    const ws = new FastWorkspace(points.n, points.d, undefined, true);
    ws.computeLowerDistances(points.data);
    return new LazyDistances(points, ws);
  }

  /** Whether the full matrix has been built (for tests: the fast path should not need it). */
  get materialised(): boolean {
    return this.full !== null;
  }

  get D(): Float64Array {
    if (this.full === null) {
      if (this.workspace.live) this.full = this.workspace.fullDistances();
      else {
        const own = new FastWorkspace(this.points.n, this.points.d);
        own.computeLowerDistances(this.points.data);
        this.full = own.fullDistances();
      }
    }
    return this.full;
  }

  /** A live workspace holding D: this cloud's own, or a new lease with D recomputed. */
  liveWorkspace(): FastWorkspace {
    if (!this.workspace.live) {
      const ws = new FastWorkspace(this.points.n, this.points.d, undefined, true);
      ws.computeLowerDistances(this.points.data);
      this.workspace = ws;
    }
    return this.workspace;
  }
}
