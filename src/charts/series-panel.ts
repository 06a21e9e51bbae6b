/**
 * One panel of a small-multiples chart: a series over training steps on a shared step axis, its own
 * y axis fitted to the data (loose nice ticks; log10 on request), markers, and a note giving the
 * series' relative span, so an autoscaled 0.4 % drift is not read as a halving. Used by the
 * magnitude trends (trends.ts) and the run's own training curves (training.ts). Non-finite values
 * (and, on a log axis, values ≤ 0) are left out and the line has a gap there.
 */
import { drawAxes, emptyPlotNote, type PlotRect } from "./axes.js";
import { formatPixel } from "./format.js";
import { linearScale, logScale, type Scale } from "./scale.js";
import { element, textNode } from "./svg.js";
import { type Axis, linearAxis, logAxis } from "./ticks.js";

export interface SeriesPanel {
  /** data-metric of the panel (the metric key). */
  readonly key: string;
  readonly title: string;
  readonly log: boolean;
}

export interface SeriesPoint {
  readonly step: number;
  readonly value: number;
}

const LINE = "#3b528b"; // viridis at ~0.3: dark enough on white
/** Up to this many points per panel get a marker; beyond, only isolated points do. */
const MARKER_LIMIT = 60;

/** Height of one small-multiples panel and of the title band above the grid (trends, training). */
const PANEL_HEIGHT = 230;
const GRID_TOP = 40;

/**
 * The plot rectangles of `count` panels laid out `columns` wide in a figure `width` wide, row by
 * row, and the figure's height. Two columns on wide screens; one column at phone width, so each
 * panel is drawn at its full size instead of shrunk or cut off (page-style.ts).
 */
export function panelGrid(
  count: number,
  width: number,
  columns: 1 | 2,
): { readonly rects: PlotRect[]; readonly height: number } {
  const panelWidth = width / columns;
  const rows = Math.max(1, Math.ceil(count / columns));
  const rects = Array.from({ length: count }, (_, index) => ({
    x: (index % columns) * panelWidth + 62,
    y: GRID_TOP + Math.floor(index / columns) * PANEL_HEIGHT + 24,
    width: panelWidth - 62 - 16,
    height: PANEL_HEIGHT - 24 - 44,
  }));
  return { rects, height: GRID_TOP + rows * PANEL_HEIGHT + 8 };
}

/** [first, last] of the finite steps; [0, 1] when there are none. */
export function stepRangeOf(steps: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of steps)
    if (Number.isFinite(s)) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** The step axis: exactly [first, last] ("tight"), integer ticks. */
export function stepAxis(range: readonly [number, number]): Axis {
  return linearAxis(range[0], range[1], { mode: "tight", target: 5, integer: true });
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

export function drawSeriesPanel(
  panel: SeriesPanel,
  series: readonly SeriesPoint[],
  rect: PlotRect,
  xAxis: Axis,
): string {
  const ordered = series;
  const values = ordered.map((r) => r.value);
  const usable = values.map((v) => Number.isFinite(v) && (!panel.log || v > 0));
  const shown = values.filter((_, i) => usable[i]);
  const omittedNonPositive = panel.log ? values.filter((v) => Number.isFinite(v) && v <= 0).length : 0;
  const out: string[] = [
    element(
      "text",
      { class: "panel-title", x: rect.x, y: rect.y - 8, "font-weight": "bold", fill: "#222222" },
      textNode(panel.title + (panel.log ? " (log scale)" : "")),
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
  return element(
    "g",
    { class: "panel", "data-metric": panel.key, "data-x-domain": `${xAxis.lo} ${xAxis.hi}` },
    out,
  );
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
