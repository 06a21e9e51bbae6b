/**
 * Render a run's charts from all its results (old + new): per layer curves and trends, the run's own
 * training curves (training.svg, when it logged any), one HTML report; all on one step axis.
 */
import type { AlertRecord, ChartFile, LayerReference, RunRef, StepResult } from "../adapter-kit.js";
import {
  pageStepRange,
  renderCurvesSvg,
  renderDifferenceSvg,
  renderRunReportHtml,
  renderTrainingSvg,
  renderTrendsSvg,
  type TrainingCurves,
} from "../charts/index.js";
import { drawableKeys } from "../charts/training.js";
import { VERSION } from "../version.js";
import { isLayerResult } from "./families.js";

export function renderRunCharts(
  run: RunRef,
  references: Readonly<Record<string, LayerReference>>,
  allResults: readonly StepResult[],
  settings: Readonly<Record<string, string>>,
  alerts: readonly AlertRecord[] = [],
  training?: TrainingCurves,
): ChartFile[] {
  const byLayer = new Map<string, StepResult[]>();
  for (const r of allResults) {
    if (!isLayerResult(r)) continue; // trajectory windows have no per-layer reference grid
    const list = byLayer.get(r.layer) ?? [];
    list.push(r);
    byLayer.set(r.layer, list);
  }
  const q = Number(settings["magtrack.q"] ?? 0.95);
  const charts: ChartFile[] = [];
  const layers: { layer: string; reference: LayerReference; results: StepResult[] }[] = [];
  for (const layer of [...byLayer.keys()].sort()) {
    const reference = references[layer];
    if (reference === undefined) continue;
    const results = byLayer.get(layer)!.sort((a, b) => a.step - b.step);
    layers.push({ layer, reference, results });
  }
  // One step axis for the page, the trends and the training curves (charts/report.ts pageStepRange).
  const stepRange = pageStepRange(layers, training);
  const name = run.displayName !== undefined && run.displayName !== "" ? run.displayName : run.id;
  if (training?.status === "read" && drawableKeys(training.metrics).length > 0) {
    charts.push({
      path: "magnitude/training.svg",
      contentType: "image/svg+xml",
      body: renderTrainingSvg(name, training.metrics, { stepRange }),
    });
  }
  for (const { layer, reference, results } of layers) {
    const safe = encodeURIComponent(layer);
    if (results.some((r) => r.curve !== undefined)) {
      charts.push({
        path: `magnitude/${safe}/curves.svg`,
        contentType: "image/svg+xml",
        body: renderCurvesSvg(layer, results, reference, { q }),
      });
      charts.push({
        path: `magnitude/${safe}/difference.svg`,
        contentType: "image/svg+xml",
        body: renderDifferenceSvg(layer, results, reference),
      });
    }
    charts.push({
      path: `magnitude/${safe}/trends.svg`,
      contentType: "image/svg+xml",
      body: renderTrendsSvg(layer, results, { stepRange }),
    });
  }
  charts.push({
    path: "magnitude/report.html",
    contentType: "text/html; charset=utf-8",
    body: renderRunReportHtml(
      { id: run.id, ...(run.displayName ? { displayName: run.displayName } : {}) },
      layers,
      settings,
      { version: VERSION, q, alerts, ...(training ? { training } : {}) },
    ),
  });
  return charts;
}
