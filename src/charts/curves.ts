/**
 * The magnitude functions of one layer: Mag(tX) over t ∈ [0, T], one polyline per training step,
 * coloured along viridis in step order, with a legend (or a colour bar when there are many
 * steps), nice-number axes, and a dashed line at q·n where the distinct point count n is known.
 */
import type { LayerReference, StepResult } from "../adapter-kit.js";
import { InputError } from "../core/errors.js";
import { drawAxes, emptyPlotNote, type PlotRect } from "./axes.js";
import { truncateLabel } from "./escape.js";
import { formatPixel, formatValue } from "./format.js";
import { linearScale } from "./scale.js";
import { element, idPrefixFor, svgRoot, textNode } from "./svg.js";
import { linearAxis } from "./ticks.js";
import { rankColor, viridis } from "./viridis.js";

export interface CurvesChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** Convergence fraction for the dashed q·n line (default 0.95). */
  readonly q?: number;
  /** Prefix for element ids (clip path, gradient); default derived from the layer name. */
  readonly idPrefix?: string;
  /** Up to this many steps get one legend entry each; more get a colour bar (default 12). */
  readonly maxLegendEntries?: number;
  /** For embedding in HTML: leave out the xmlns attribute. */
  readonly inline?: boolean;
}

interface DrawnCurve {
  readonly step: number;
  readonly t: readonly number[];
  readonly magnitude: readonly number[];
}

/** A curve is drawable when both arrays exist, have the same non-zero length and are all finite. */
function drawable(result: StepResult): DrawnCurve | null {
  const curve = result.curve;
  if (curve === undefined || !Number.isFinite(result.step)) return null;
  const { t, magnitude } = curve;
  if (t.length === 0 || t.length !== magnitude.length) return null;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i]!) || !Number.isFinite(magnitude[i]!)) return null;
  }
  return { step: result.step, t, magnitude };
}

/**
 * Distinct point counts n in the results (metric n_distinct, else n), ascending; n = 1 is left
 * out (Mag ≡ 1 = n, so a q·n line would say nothing).
 */
function pointCounts(results: readonly StepResult[]): number[] {
  const counts = new Set<number>();
  for (const r of results) {
    const n = r.metrics["n_distinct"] ?? r.metrics["n"];
    if (n !== undefined && Number.isFinite(n) && n > 1) counts.add(n);
  }
  return [...counts].sort((a, b) => a - b);
}

/** "3, 7, 9" — at most `max` items, then "and k more". */
function listSteps(steps: readonly number[], max = 10): string {
  const shown = steps.slice(0, max).map((s) => formatValue(s));
  return steps.length > max ? `${shown.join(", ")} and ${steps.length - max} more` : shown.join(", ");
}

/** Ranks that get a label on the colour bar: about `slots` of them, always the first and the last. */
export function thinnedRanks(count: number, slots: number): number[] {
  if (count <= slots) return Array.from({ length: count }, (_, i) => i);
  const ranks = new Set<number>();
  for (let k = 0; k < slots; k++) ranks.add(Math.round((k * (count - 1)) / (slots - 1)));
  return [...ranks].sort((a, b) => a - b);
}

export function renderCurvesSvg(
  layer: string,
  results: readonly StepResult[],
  reference: LayerReference,
  opts: CurvesChartOptions = {},
): string {
  const T = reference.T;
  if (!(Number.isFinite(T) && T > 0)) {
    throw new InputError(
      "CHART_BAD_REFERENCE",
      `curves chart for layer ${JSON.stringify(layer)}: reference scale T must be a positive finite number, got ${String(T)}`,
    );
  }
  const width = opts.width ?? 760;
  const height = opts.height ?? 460;
  const q = opts.q ?? 0.95;
  const prefix = opts.idPrefix ?? idPrefixFor(`curves\u0000${layer}`);
  const maxLegend = Math.max(1, opts.maxLegendEntries ?? 12);

  const ordered = [...results].sort((a, b) => a.step - b.step);
  const curves: DrawnCurve[] = [];
  const skipped: number[] = [];
  for (const r of ordered) {
    const c = drawable(r);
    if (c === null) skipped.push(r.step);
    else curves.push(c);
  }
  const counts = pointCounts(results);
  const thresholds = counts.map((n) => q * n);

  // y extent: every drawn value and the threshold lines; Mag(0) = 1, so 1 when nothing is drawn.
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const c of curves) {
    for (const m of c.magnitude) {
      if (m < yMin) yMin = m;
      if (m > yMax) yMax = m;
    }
  }
  for (const v of thresholds) {
    if (v < yMin) yMin = v;
    if (v > yMax) yMax = v;
  }
  if (!(yMin <= yMax)) {
    yMin = 1;
    yMax = 1;
  }

  const rect: PlotRect = { x: 70, y: 56, width: width - 70 - 170, height: height - 56 - 74 };
  const xAxis = linearAxis(0, T, { mode: "tight", target: 6 });
  const yAxis = linearAxis(yMin, yMax, { mode: "loose", target: 6 });
  // Axis formula: t = 0 at the left edge, t = T at the right; the y domain bottom to top.
  const xScale = linearScale(0, T, rect.x, rect.x + rect.width);
  const yScale = linearScale(yAxis.lo, yAxis.hi, rect.y + rect.height, rect.y);

  const layerLabel = truncateLabel(layer, 60);
  const body: string[] = [];
  body.push(
    element("title", {}, textNode(`Magnitude functions of layer ${layer}, T = ${formatValue(T, 6)}`)),
    element("defs", {}, [
      element(
        "linearGradient",
        { id: `${prefix}-bar`, x1: 0, y1: 1, x2: 0, y2: 0 },
        Array.from({ length: 17 }, (_, k) =>
          element("stop", { offset: String(k / 16), "stop-color": viridis(k / 16) }),
        ),
      ),
    ]),
    element("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    element(
      "text",
      { class: "title", x: rect.x, y: 24, "font-size": 15, "font-weight": "bold", fill: "#222222" },
      textNode(`Magnitude function · ${layerLabel} · T = ${formatValue(T, 6)}`),
    ),
    element(
      "text",
      { class: "subtitle", x: rect.x, y: 43, fill: "#555555" },
      textNode(
        `${curves.length} step${curves.length === 1 ? "" : "s"} · T from ${reference.source}` +
          (reference.step === null ? "" : ` (step ${formatValue(reference.step)})`),
      ),
    ),
  );
  body.push(
    ...drawAxes({ rect, xAxis, xScale, yAxis, yScale, xLabel: "scale t", yLabel: "magnitude Mag(tX)" }),
  );

  const plotted: string[] = [];
  thresholds.forEach((v, i) => {
    const y = yScale(v);
    plotted.push(
      element("line", {
        class: "threshold",
        x1: rect.x,
        y1: y,
        x2: rect.x + rect.width,
        y2: y,
        stroke: "#b03a2e",
        "stroke-width": 1.2,
        "stroke-dasharray": "6 4",
      }),
      element(
        "text",
        // At the left end: magnitude functions start at 1, so the curves are lowest there.
        { x: rect.x + 6, y: y - 5, fill: "#b03a2e", "font-size": 11 },
        textNode(`${formatValue(q, 4)}·n = ${formatValue(v, 5)} (n = ${formatValue(counts[i]!)})`),
      ),
    );
  });
  // No clipPath: ImageMagick's own SVG renderer (MSVG, what `convert` uses without librsvg) draws
  // nothing of a clipped group. Every value lies inside the axes (x in [0, T], y within the loose
  // extent computed above); a stray one (a curve stored on another grid) is pinned to the frame.
  const inX = (px: number) => Math.min(rect.x + rect.width, Math.max(rect.x, px));
  const inY = (py: number) => Math.min(rect.y + rect.height, Math.max(rect.y, py));
  curves.forEach((c, i) => {
    const points = c.t.map(
      (t, j) => `${formatPixel(inX(xScale(t)))},${formatPixel(inY(yScale(c.magnitude[j]!)))}`,
    );
    plotted.push(
      element(
        "polyline",
        {
          class: "curve",
          "data-step": formatValue(c.step),
          points: points.join(" "),
          fill: "none",
          stroke: rankColor(i, curves.length),
          "stroke-width": curves.length > 40 ? 1 : 1.6,
          "stroke-linejoin": "round",
        },
        element("title", {}, textNode(`step ${formatValue(c.step)}`)),
      ),
    );
  });
  body.push(element("g", { class: "plot" }, plotted));

  if (curves.length === 0) body.push(emptyPlotNote(rect, "no magnitude curves to draw"));
  if (skipped.length > 0) {
    body.push(
      element(
        "text",
        { class: "note", x: rect.x, y: height - 12, fill: "#8a5a00", "font-size": 11 },
        textNode(
          `not drawn (curve missing or not finite): step${skipped.length === 1 ? "" : "s"} ${listSteps(skipped)}`,
        ),
      ),
    );
  }
  body.push(...legend(curves, rect, prefix, maxLegend));
  return svgRoot(width, height, `Magnitude functions of layer ${layer}`, opts.inline ?? false, body);
}

/** Discrete legend for few steps, a viridis colour bar with thinned step labels for many. */
function legend(curves: readonly DrawnCurve[], rect: PlotRect, prefix: string, maxEntries: number): string[] {
  if (curves.length === 0) return [];
  const x = rect.x + rect.width + 22;
  const out: string[] = [
    element(
      "text",
      { class: "legend-title", x, y: rect.y + 4, "font-weight": "bold", fill: "#222222" },
      "step",
    ),
  ];
  if (curves.length <= maxEntries) {
    curves.forEach((c, i) => {
      const y = rect.y + 22 + i * 18;
      out.push(
        element("g", { class: "legend-entry" }, [
          element("line", {
            x1: x,
            y1: y,
            x2: x + 22,
            y2: y,
            stroke: rankColor(i, curves.length),
            "stroke-width": 2.5,
          }),
          element("text", { x: x + 28, y, dy: "0.32em", fill: "#333333" }, textNode(formatValue(c.step))),
        ]),
      );
    });
    return out;
  }
  // Colour bar: rank 0 (earliest step) at the bottom, the last step at the top.
  const barTop = rect.y + 16;
  const barHeight = rect.height - 16;
  const rankY = linearScale(0, curves.length - 1, barTop + barHeight, barTop);
  out.push(
    element("rect", {
      class: "colour-bar",
      x,
      y: barTop,
      width: 16,
      height: barHeight,
      fill: `url(#${prefix}-bar)`,
      stroke: "#9a9a9a",
    }),
  );
  const labelSlots = Math.max(2, Math.min(12, Math.floor(barHeight / 24)));
  for (const rank of thinnedRanks(curves.length, labelSlots)) {
    const y = rankY(rank);
    out.push(
      element("g", { class: "legend-tick" }, [
        element("line", { x1: x + 16, y1: y, x2: x + 21, y2: y, stroke: "#333333" }),
        element(
          "text",
          { x: x + 25, y, dy: "0.32em", fill: "#333333" },
          textNode(formatValue(curves[rank]!.step)),
        ),
      ]),
    );
  }
  out.push(
    element(
      "text",
      { x, y: barTop + barHeight + 18, fill: "#555555", "font-size": 11 },
      textNode(`${curves.length} steps, colour by order`),
    ),
  );
  return out;
}
