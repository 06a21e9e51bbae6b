/** sync / backfill options of trajectory windows (docs/trajectory.md), and their settings. */
import type { Options } from "yargs";
import { MagtrackError } from "../core/errors.js";
import { DEFAULT_TRAJECTORY_PATTERN } from "../default-patterns.js";
import type { ComputeSettings } from "../sync/settings.js";
import { DEFAULT_REPRESENTATION_WINDOW } from "../trajectory/representation-window.js";
import { TAG23_FIXED_SCALES } from "../trajectory/window-metrics.js";

/** As data, like options.ts' tables, so MAGTRACK_* env and the config file are checked against them. */
export const TRAJECTORY_OPTIONS = {
  "trajectory-pattern": {
    type: "string",
    default: DEFAULT_TRAJECTORY_PATTERN,
    describe: 'logged weight windows (rows = iterates) with {layer}, {step}, {ext}; "none": do not look',
  },
  "reptraj-window": {
    type: "number",
    default: DEFAULT_REPRESENTATION_WINDOW,
    describe: "W: a layer's last W logged steps form one representation-trajectory cloud; 0: off",
  },
  "fixed-scales": {
    type: "string",
    default: TAG23_FIXED_SCALES.join(","),
    describe: 'scales t at which trajectory windows report Mag(tW), comma-separated; "none": no fixed scales',
  },
} as const satisfies Record<string, Options>;

export interface TrajectoryArgs {
  trajectoryPattern?: string;
  reptrajWindow?: number;
  fixedScales?: string;
}

const usage = (message: string) => new MagtrackError("usage", "BAD_OPTION", message);

/** "1.36,6.78" → [1.36, 6.78]; "none" → []; each a finite t > 0, at most 100 of them. */
export function parseFixedScales(text: string): number[] {
  if (text.trim() === "none") return [];
  const parts = text.split(",").map((s) => s.trim());
  const scales = parts.map(Number);
  const bad = parts.find((p, i) => p === "" || !(Number.isFinite(scales[i]) && scales[i]! > 0));
  if (bad !== undefined) throw usage(`--fixed-scales: "${bad}" is not a scale t > 0 (e.g. 1.36,6.78)`);
  if (scales.length > 100) throw usage(`--fixed-scales: at most 100 scales, got ${scales.length}`);
  return [...new Set(scales)];
}

export function trajectorySettingsFromArgs(
  a: TrajectoryArgs,
): Pick<ComputeSettings, "representationWindow" | "fixedScales"> {
  const W = a.reptrajWindow ?? DEFAULT_REPRESENTATION_WINDOW;
  if (!Number.isInteger(W) || W < 0 || W === 1 || W > 10_000) {
    throw usage(`--reptraj-window must be 0 (off) or an integer in [2, 10000], got ${W}`);
  }
  return {
    representationWindow: W,
    ...(a.fixedScales === undefined ? {} : { fixedScales: parseFixedScales(a.fixedScales) }),
  };
}

/** The adapters' trajectoryPattern option: null when the user said "none". */
export function trajectoryPatternOf(a: TrajectoryArgs): string | null | undefined {
  return a.trajectoryPattern === "none" ? null : a.trajectoryPattern;
}
