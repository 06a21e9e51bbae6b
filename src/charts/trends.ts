/**
 * Small multiples of the scalar metrics of one layer over the training step: area (MagArea/T),
 * t_conv, magnitude dimension, diff_ref. Non-finite values (and, on a log axis, values ≤ 0) are
 * left out and the line has a gap there.
 */
import type { StepResult } from "../adapter-kit.js";
import { truncateLabel } from "./escape.js";
import { TREND_METRICS } from "./metric-info.js";
import { drawSeriesPanel, panelGrid, stepAxis, stepRangeOf } from "./series-panel.js";
import { element, svgRoot, textNode } from "./svg.js";

// Moved to series-panel.ts (shared with the training curves); re-exported for existing importers.
export { gappedPath, relativeSpan } from "./series-panel.js";

export interface TrendsChartOptions {
  /** Plot t_conv on a log10 axis (default false). */
  readonly logTConv?: boolean;
  /** Panels per row (default 2: a 2 × 2 grid; 1 for phone width, page-style.ts). */
  readonly columns?: 1 | 2;
  /** Width of the whole figure (default 760 for 2 columns, 380 for 1). */
  readonly width?: number;
  /** For embedding in HTML: leave out the xmlns attribute. */
  readonly inline?: boolean;
  /**
   * The step axis' [first, last] (default: these results' steps), so a run page can put the
   * magnitude trends and the run's training curves on one step axis (stepRangeOf over both).
   */
  readonly stepRange?: readonly [number, number];
}

interface Panel {
  readonly key: string;
  readonly label: string;
  readonly log: boolean;
}

export function renderTrendsSvg(
  layer: string,
  results: readonly StepResult[],
  opts: TrendsChartOptions = {},
): string {
  const columns = opts.columns ?? 2;
  const width = opts.width ?? 380 * columns;
  const ordered = [...results].filter((r) => Number.isFinite(r.step)).sort((a, b) => a.step - b.step);
  const panels: Panel[] = TREND_METRICS.map((m) => ({
    key: m.key,
    label: m.label,
    log: m.key === "t_conv" && opts.logTConv === true,
  }));

  const xAxis = stepAxis(opts.stepRange ?? stepRangeOf(ordered.map((r) => r.step)));
  const { rects, height } = panelGrid(panels.length, width, columns);

  const body: string[] = [
    element("title", {}, textNode(`Magnitude metrics of layer ${layer} over training steps`)),
    element("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    element(
      "text",
      { class: "title", x: 16, y: 24, "font-size": 15, "font-weight": "bold", fill: "#222222" },
      textNode(
        `Metric trends · ${truncateLabel(layer, columns === 1 ? 12 : 60)} · ${ordered.length} step${ordered.length === 1 ? "" : "s"}`,
      ),
    ),
  ];
  panels.forEach((panel, index) => {
    body.push(
      drawSeriesPanel(
        { key: panel.key, title: panelTitle(panel.label, panel.key), log: panel.log },
        ordered.map((r) => ({ step: r.step, value: r.metrics[panel.key] ?? Number.NaN })),
        rects[index]!,
        xAxis,
      ),
    );
  });
  return svgRoot(width, height, `Magnitude metric trends of layer ${layer}`, opts.inline ?? false, body);
}

/** "MagArea / T · area": the human label with the metric key (the name in the trackers) beside it. */
export function panelTitle(label: string, key: string): string {
  return label === key ? key : `${label} · ${key}`;
}
