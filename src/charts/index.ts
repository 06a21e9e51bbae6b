/** Chart rendering: pure functions from results to SVG / HTML strings (the pipeline writes them). */
export { renderCurvesSvg } from "./curves.js";
export type { CurvesChartOptions } from "./curves.js";
export { renderTrendsSvg } from "./trends.js";
export type { TrendsChartOptions } from "./trends.js";
export { renderRunReportHtml } from "./report.js";
export type { ReportLayer, ReportRun, RunReportOptions } from "./report.js";
export { escapeXml } from "./escape.js";
export { formatValue } from "./format.js";
export { viridis } from "./viridis.js";
