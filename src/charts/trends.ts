/**
 * Small multiples of the scalar metrics of one layer over the training step: area (MagArea/T),
 * t_conv, magnitude dimension, diff_ref. Non-finite values (and, on a log axis, values ≤ 0) are
 * left out and the line has a gap there.
 */
import type { StepResult } from "../adapter-kit.js";
import { drawAxes, emptyPlotNote, type PlotRect } from "./axes.js";
import { truncateLabel } from "./escape.js";
import { formatPixel } from "./format.js";
import { TREND_METRICS } from "./metric-info.js";
import { linearScale, logScale, type Scale } from "./scale.js";
import { element, svgRoot, textNode } from "./svg.js";
import { type Axis, linearAxis, logAxis } from "./ticks.js";

export interface TrendsChartOptions {
  /** Plot t_conv on a log10 axis (default false). */
  readonly logTConv?: boolean;
  /** Width of the whole figure (default 760); panels are laid out 2 × 2. */
  readonly width?: number;
  /** For embedding in HTML: leave out the xmlns attribute. */
  readonly inline?: boolean;
}

const LINE = "#3b528b"; // viridis at ~0.3: dark enough on white
/** Up to this many points per panel get a marker; beyond, only isolated points do. */
const MARKER_LIMIT = 60;

interface Panel {
  readonly key: string;
  readonly label: string;
  readonly log: boolean;
}

/** Path data for a polyline with gaps: a new "M" after every point that is left out. */
export function gappedPath(points: readonly ({ x: number; y: number } | null)[]): string {
  let d = "";
  let penDown = false;
  for (const p of points) {
    if (p === null) {
      penDown = false;
      continue;
    }
    d += `${d === "" ? "" : " "}${penDown ? "L" : "M"}${formatPixel(p.x)} ${formatPixel(p.y)}`;
    penDown = true;
  }
  return d;
}

export function renderTrendsSvg(
  layer: string,
  results: readonly StepResult[],
  opts: TrendsChartOptions = {},
): string {
  const width = opts.width ?? 760;
  const panelWidth = width / 2;
  const panelHeight = 230;
  const top = 40;
  const height = top + 2 * panelHeight + 8;
  const ordered = [...results].filter((r) => Number.isFinite(r.step)).sort((a, b) => a.step - b.step);
  const panels: Panel[] = TREND_METRICS.map((m) => ({
    key: m.key,
    label: m.label,
    log: m.key === "t_conv" && opts.logTConv === true,
  }));

  const steps = ordered.map((r) => r.step);
  const stepMin = steps.length > 0 ? steps[0]! : 0;
  const stepMax = steps.length > 0 ? steps[steps.length - 1]! : 1;
  const xAxis = linearAxis(stepMin, stepMax, { mode: "tight", target: 5, integer: true });

  const body: string[] = [
    element("title", {}, textNode(`Magnitude metrics of layer ${layer} over training steps`)),
    element("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    element(
      "text",
      { class: "title", x: 16, y: 24, "font-size": 15, "font-weight": "bold", fill: "#222222" },
      textNode(
        `Metric trends · ${truncateLabel(layer, 60)} · ${ordered.length} step${ordered.length === 1 ? "" : "s"}`,
      ),
    ),
  ];
  panels.forEach((panel, index) => {
    const col = index % 2;
    const row = Math.floor(index / 2);
    const rect: PlotRect = {
      x: col * panelWidth + 62,
      y: top + row * panelHeight + 24,
      width: panelWidth - 62 - 16,
      height: panelHeight - 24 - 44,
    };
    body.push(drawPanel(panel, ordered, rect, xAxis));
  });
  return svgRoot(width, height, `Magnitude metric trends of layer ${layer}`, opts.inline ?? false, body);
}

function drawPanel(panel: Panel, ordered: readonly StepResult[], rect: PlotRect, xAxis: Axis): string {
  const values = ordered.map((r) => r.metrics[panel.key] ?? Number.NaN);
  const usable = values.map((v) => Number.isFinite(v) && (!panel.log || v > 0));
  const shown = values.filter((_, i) => usable[i]);
  const omittedNonPositive = panel.log ? values.filter((v) => Number.isFinite(v) && v <= 0).length : 0;
  const out: string[] = [
    element(
      "text",
      { class: "panel-title", x: rect.x, y: rect.y - 8, "font-weight": "bold", fill: "#222222" },
      textNode(panelTitle(panel.label, panel.key) + (panel.log ? " (log scale)" : "")),
    ),
  ];
  const lo = shown.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  const hi = shown.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  let yAxis: Axis;
  if (shown.length === 0) yAxis = linearAxis(0, 1, { mode: "loose", target: 3 });
  else if (panel.log) yAxis = logAxis(lo, hi);
  else yAxis = linearAxis(lo, hi, { mode: "loose", target: 5 });
  const xScale = linearScale(xAxis.lo, xAxis.hi, rect.x, rect.x + rect.width);
  const yScale: Scale = panel.log
    ? logScale(yAxis.lo, yAxis.hi, rect.y + rect.height, rect.y)
    : linearScale(yAxis.lo, yAxis.hi, rect.y + rect.height, rect.y);
  out.push(...drawAxes({ rect, xAxis, xScale, yAxis, yScale, xLabel: "training step" }));

  if (shown.length === 0) {
    out.push(emptyPlotNote(rect, "no data"));
  } else {
    const points = ordered.map((r, i) => (usable[i] ? { x: xScale(r.step), y: yScale(values[i]!) } : null));
    out.push(
      element("path", {
        class: "trend",
        "data-metric": panel.key,
        d: gappedPath(points),
        fill: "none",
        stroke: LINE,
        "stroke-width": 1.6,
        "stroke-linejoin": "round",
      }),
    );
    const markers: string[] = [];
    points.forEach((p, i) => {
      if (p === null) return;
      const isolated = points[i - 1] == null && points[i + 1] == null;
      if (shown.length <= MARKER_LIMIT || isolated) {
        markers.push(element("circle", { cx: p.x, cy: p.y, r: 2.6, fill: LINE }));
      }
    });
    out.push(element("g", { class: "markers" }, markers));
  }
  const missing = values.length - shown.length - omittedNonPositive;
  const notes: string[] = [];
  const span = relativeSpan(shown);
  if (span !== null) notes.push(`span ${span}`);
  if (missing > 0) notes.push(`${missing} missing/NaN`);
  if (omittedNonPositive > 0) notes.push(`${omittedNonPositive} ≤ 0 left out (log scale)`);
  if (notes.length > 0) {
    out.push(
      element(
        "text",
        {
          class: "note",
          x: rect.x + rect.width,
          y: rect.y - 8,
          "text-anchor": "end",
          fill: "#8a5a00",
          "font-size": 10,
        },
        textNode(notes.join(", ")),
      ),
    );
  }
  return element("g", { class: "panel", "data-metric": panel.key }, out);
}

/** "MagArea / T · area": the human label with the metric key (the name in the trackers) beside it. */
export function panelTitle(label: string, key: string): string {
  return label === key ? key : `${label} · ${key}`;
}

/**
 * The y axis is fitted to the data, so a 0.4 % drift fills the panel like a halving would. Each
 * panel therefore states its span (max − min) relative to the largest |value|, e.g. "0.41 %";
 * null for fewer than two values or an all-zero series.
 */
export function relativeSpan(values: readonly number[]): string | null {
  if (values.length < 2) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(scale > 0)) return null;
  const pct = ((hi - lo) / scale) * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2)} %`;
}
