/** Build the tracker adapter the flags and environment ask for. Tracker adapters load lazily. */
import { resolve } from "node:path";
import { createLocalAdapter } from "../../adapters/local/index.js";
import type { TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { CliContext } from "./io.js";
import { trajectoryPatternOf } from "./trajectory-options.js";

export interface TrackerArgs {
  tracker: "local" | "mlflow" | "wandb";
  root?: string;
  pattern?: string;
  /** W&B: the pattern inside `activations` artifacts (adapters/wandb/activations.ts). */
  artifactPattern?: string;
  /** Logged weight windows; "none": not looked for (trajectory-options.ts). */
  trajectoryPattern?: string;
  experiment?: string;
  experimentId?: string;
  trackingUri?: string;
  entity?: string;
  project?: string;
  /** W&B live view through companion runs (default on). */
  live?: boolean;
  maxFileBytes: number;
}

export async function createTrackerAdapter(a: TrackerArgs, ctx: CliContext): Promise<TrackerAdapter> {
  if (a.artifactPattern !== undefined && a.tracker !== "wandb") {
    // Not an error: one config file or MAGTRACK_* environment may serve several trackers.
    ctx.stderr(
      `magtrack: --artifact-pattern is for W&B artifacts only; ignored with --tracker ${a.tracker}\n`,
    );
  }
  switch (a.tracker) {
    case "local": {
      if (a.root === undefined) {
        throw new MagtrackError(
          "config",
          "NO_ROOT",
          "--root (or MAGTRACK_ROOT) is required with --tracker local: the folder holding <run>/activations/…",
        );
      }
      return createLocalAdapter({
        root: resolve(ctx.cwd, a.root),
        maxFileBytes: a.maxFileBytes,
        ...(a.pattern ? { pattern: a.pattern } : {}),
        ...trajectoryOption(a),
      });
    }
    case "mlflow": {
      const { mlflowAdapterFromEnv } = await import("../../adapters/mlflow/index.js");
      return mlflowAdapterFromEnv(
        ctx.env,
        {
          ...(a.experiment === undefined ? {} : { experiment: a.experiment }),
          ...(a.experimentId === undefined ? {} : { experimentId: a.experimentId }),
          ...(a.trackingUri === undefined ? {} : { trackingUri: a.trackingUri }),
          ...(a.pattern === undefined ? {} : { pattern: a.pattern }),
          ...trajectoryOption(a),
          maxFileBytes: a.maxFileBytes,
        },
        { warn: (message) => ctx.stderr(`magtrack (mlflow): ${message}\n`) },
      );
    }
    case "wandb": {
      const { wandbAdapterFromEnv } = await import("../../adapters/wandb/index.js");
      return wandbAdapterFromEnv(ctx.env, {
        ...(a.entity === undefined ? {} : { entity: a.entity }),
        ...(a.project === undefined ? {} : { project: a.project }),
        ...(a.pattern === undefined ? {} : { pattern: a.pattern }),
        ...(a.artifactPattern === undefined ? {} : { artifactPattern: a.artifactPattern }),
        ...(a.live === undefined ? {} : { live: a.live }),
        ...trajectoryOption(a),
        maxFileBytes: a.maxFileBytes,
      });
    }
    default:
      throw new MagtrackError("usage", "UNKNOWN_TRACKER", `unknown tracker "${String(a.tracker)}"`);
  }
}

function trajectoryOption(a: TrackerArgs): { trajectoryPattern?: string | null } {
  const pattern = trajectoryPatternOf(a);
  return pattern === undefined ? {} : { trajectoryPattern: pattern };
}
