import type { MagnitudeEngine } from "./engine.js";
import { exactEngine } from "./exact-engine.js";
import { fastEngine } from "./fast/engine.js";

/**
 * Engines by ProfileOptions.mode: "exact" (dense factorisation per scale) and "fast"
 * (src/core/fast: wasm kernels, approximated t_conv, CG where cheaper, error bounds per value).
 */
const engines: Record<string, MagnitudeEngine> = { exact: exactEngine, fast: fastEngine };

export const DEFAULT_MODE = "exact";

export function engineFor(mode: "exact" | "fast" | undefined): MagnitudeEngine {
  return engines[mode ?? DEFAULT_MODE] ?? exactEngine;
}
