/**
 * The default file patterns, relative to a run's artifact root. A module of their own (re-exported by
 * adapter-kit.ts) so the CLI's option table can name them without loading adapter-kit's runtime
 * imports: the HTTP client there (axios) took 150 ms of every command's start, `compute` included.
 */

/** Default activation file pattern. */
export const DEFAULT_ACTIVATION_PATTERN = "activations/{layer}/step_{step}.{ext}";
/** Default pattern of logged weight windows (docs/trajectory.md); adapters take null to list none. */
export const DEFAULT_TRAJECTORY_PATTERN = "trajectory/{layer}/step_{step}.{ext}";
