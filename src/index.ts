/**
 * magtrack library entry: the magnitude core, the activation readers, the sync pipeline, the
 * adapter kit and the local adapter. Tracker adapters for MLflow and W&B have their own entries.
 */

export { createLocalAdapter, type LocalAdapterOptions } from "../adapters/local/index.js";
export * from "./adapter-kit.js";
export { renderCurvesSvg, renderRunReportHtml, renderTrendsSvg } from "./charts/index.js";
export * from "./core/index.js";
export { scaleOf } from "./experiment-scale/scale-of.js";
export { parseActivation } from "./io/activation.js";
export { encodeNpy } from "./io/npy-write.js";
export { enableRelaxedSimd, hasRelaxedSimd } from "./kernels/relaxed-simd.js";
export type { RunOutcome, SyncEvent, SyncSummary } from "./sync/events.js";
export { planRun, type RunPlan, type StepFilter } from "./sync/plan.js";
export { type SyncOptions, syncRuns } from "./sync/run-many.js";
export { type ComputeSettings, DEFAULT_SETTINGS, settingsRecord } from "./sync/settings.js";
export { VERSION } from "./version.js";
