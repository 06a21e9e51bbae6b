import type { MagnitudeEngine } from "./engine.js";
import { exactEngine } from "./exact-engine.js";
import { fastEngine } from "./fast/engine.js";
import { largeEngine } from "./large/engine.js";
import type { EngineMode } from "./types.js";

/**
 * Engines by ProfileOptions.mode: "exact" (dense factorisation per scale) and "fast"
 * (src/core/fast: wasm kernels, approximated t_conv, CG where cheaper, error bounds per value) and
 * "large" (src/core/large: packed distances in JS, CG at every scale, error bound per value).
 */
const engines: Record<string, MagnitudeEngine> = { exact: exactEngine, fast: fastEngine, large: largeEngine };

/**
 * The default is "fast": the same values within 1e-9 relative or the bound each value states
 * (test/fast compares the two engines on every golden cloud). "exact" stays one option away.
 */
export const DEFAULT_MODE: EngineMode = "fast";

export function engineFor(mode: EngineMode | undefined): MagnitudeEngine {
  return engines[mode ?? DEFAULT_MODE] ?? exactEngine;
}
