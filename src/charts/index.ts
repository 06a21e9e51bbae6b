/** Chart rendering: pure functions from results to SVG / HTML strings (the pipeline writes them). */

export type { CurvesChartOptions } from "./curves.js";
export { renderCurvesSvg } from "./curves.js";
export type { DifferenceChartOptions } from "./difference.js";
export { renderDifferenceSvg } from "./difference.js";
export { escapeXml } from "./escape.js";
export { formatValue } from "./format.js";
export type { ReportLayer, ReportRun, RunReportOptions, TrainingCurves } from "./report.js";
export { pageStepRange, renderRunReportHtml } from "./report.js";
export type { RunIndexLinks } from "./run-index.js";
export { renderRunIndexHtml } from "./run-index.js";
export type { SparklineOptions, SparklinePoint } from "./sparkline.js";
export { relativeChange, renderSparklineSvg, sparklineCaption } from "./sparkline.js";
export type { TrainingChartOptions } from "./training.js";
export { renderTrainingSvg } from "./training.js";
export type { TrendsChartOptions } from "./trends.js";
export { renderTrendsSvg } from "./trends.js";
export { viridis } from "./viridis.js";
