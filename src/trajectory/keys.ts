/**
 * Metric keys of trajectory windows: `<family>/<layer>/<name>` at the window's step, family
 * "trajectory" (weight iterates, file trajectory/<layer>/step_<step>.npy) or "reptraj" (the last W
 * logged activation steps of a layer). The same shape as magnitude/<layer>/<name> (adapter-kit
 * metricKey), one family further.
 */
export type TrajectoryFamily = "trajectory" | "reptraj";

export function trajectoryMetricKey(family: TrajectoryFamily, layer: string, name: string): string {
  return `${family}/${layer}/${name}`;
}

/** Default file pattern of logged weight windows (relative to the run's artifact root). */
export const DEFAULT_TRAJECTORY_PATTERN = "trajectory/{layer}/step_{step}.{ext}";
