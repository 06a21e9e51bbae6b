/** Render a run's charts from all its results (old + new): per layer curves and trends, one HTML report. */
import type { AlertRecord, ChartFile, LayerReference, RunRef, StepResult } from "../adapter-kit.js";
import {
  renderCurvesSvg,
  renderDifferenceSvg,
  renderRunReportHtml,
  renderTrendsSvg,
} from "../charts/index.js";
import { VERSION } from "../version.js";
import { isLayerResult } from "./families.js";

export function renderRunCharts(
  run: RunRef,
  references: Readonly<Record<string, LayerReference>>,
  allResults: readonly StepResult[],
  settings: Readonly<Record<string, string>>,
  alerts: readonly AlertRecord[] = [],
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
      body: renderTrendsSvg(layer, results),
    });
  }
  charts.push({
    path: "magnitude/report.html",
    contentType: "text/html; charset=utf-8",
    body: renderRunReportHtml(
      { id: run.id, ...(run.displayName ? { displayName: run.displayName } : {}) },
      layers,
      settings,
      { version: VERSION, q, alerts },
    ),
  });
  return charts;
}
