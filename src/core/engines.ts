import type { MagnitudeEngine } from "./engine.js";
import { exactEngine } from "./exact-engine.js";

/**
 * Engines by ProfileOptions.mode. Until a "fast" engine is registered here, "fast" resolves to the
 * exact engine (values stay exact; SolveInfo says how each was computed).
 */
const engines: Record<string, MagnitudeEngine> = { exact: exactEngine };

export const DEFAULT_MODE = "exact";

export function engineFor(mode: "exact" | "fast" | undefined): MagnitudeEngine {
  return engines[mode ?? DEFAULT_MODE] ?? exactEngine;
}
