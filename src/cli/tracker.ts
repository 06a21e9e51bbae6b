/** Build the tracker adapter the flags and environment ask for. Tracker adapters load lazily. */
import { resolve } from "node:path";
import { createLocalAdapter } from "../../adapters/local/index.js";
import type { TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { CliContext } from "./io.js";

export interface TrackerArgs {
  tracker: "local" | "mlflow" | "wandb";
  root?: string;
  pattern?: string;
  experiment?: string;
  entity?: string;
  project?: string;
  maxFileBytes: number;
}

export async function createTrackerAdapter(a: TrackerArgs, ctx: CliContext): Promise<TrackerAdapter> {
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
      });
    }
    default:
      throw new MagtrackError(
        "config",
        "TRACKER_UNAVAILABLE",
        `tracker "${a.tracker}" is not available in this build`,
      );
  }
}
