/**
 * The magnitude functions minus the reference step's: Mag_step(t) − Mag_ref(t) over t ∈ [0, T],
 * one polyline per step (viridis in step order, like curves.svg). Successive steps' curves can lie
 * within a line width of each other on the curves chart (the demo's hidden1: < 1 % apart); their
 * differences to the reference are spread over this chart's whole height. Its mean absolute value
 * over [0, T] is the step's diff_ref. Only steps on the reference curve's grid are drawn (the same
 * t values), since a difference needs a common grid; the others are named in a note.
 */
import type { LayerReference, StepResult } from "../adapter-kit.js";
import { drawAxes, emptyPlotNote, type PlotRect } from "./axes.js";
import { truncateLabel } from "./escape.js";
import { formatPixel, formatValue } from "./format.js";
import { linearScale } from "./scale.js";
import { element, svgRoot, textNode } from "./svg.js";
import { linearAxis } from "./ticks.js";
import { rankColor } from "./viridis.js";

export interface DifferenceChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly inline?: boolean;
}

interface Difference {
  readonly step: number;
  readonly t: readonly number[];
  readonly delta: readonly number[];
}

const sameGrid = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The differences to the reference step's curve; null when the reference step has no usable curve. */
export function differencesToReference(
  results: readonly StepResult[],
  reference: LayerReference,
): { reference: number; drawn: Difference[]; offGrid: number[] } | null {
  const ref = results.find((r) => r.step === reference.step && r.curve !== undefined);
  if (ref === undefined || ref.curve === undefined) return null;
  const { t: tRef, magnitude: mRef } = ref.curve;
  if (tRef.length === 0 || tRef.length !== mRef.length) return null;
  const drawn: Difference[] = [];
  const offGrid: number[] = [];
  for (const r of [...results].sort((a, b) => a.step - b.step)) {
    const c = r.curve;
    if (c === undefined) continue;
    if (!sameGrid(c.t, tRef) || c.magnitude.length !== mRef.length) {
      offGrid.push(r.step);
      continue;
    }
    const delta = c.magnitude.map((m, i) => m - mRef[i]!);
    if (delta.every(Number.isFinite)) drawn.push({ step: r.step, t: c.t, delta });
    else offGrid.push(r.step);
  }
  return { reference: ref.step, drawn, offGrid };
}

export function renderDifferenceSvg(
  layer: string,
  results: readonly StepResult[],
  reference: LayerReference,
  opts: DifferenceChartOptions = {},
): string {
  const width = opts.width ?? 760;
  const height = opts.height ?? 300;
  const rect: PlotRect = { x: 70, y: 56, width: width - 70 - 40, height: height - 56 - 54 };
  const found = differencesToReference(results, reference);
  const drawn = found?.drawn ?? [];
  let lo = 0;
  let hi = 0;
  for (const d of drawn) {
    for (const v of d.delta) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === hi) hi = lo + 1;
  const T = reference.T;
  const xAxis = linearAxis(0, T, { mode: "tight", target: 6 });
  const yAxis = linearAxis(lo, hi, { mode: "loose", target: 5 });
  const xScale = linearScale(0, T, rect.x, rect.x + rect.width);
  const yScale = linearScale(yAxis.lo, yAxis.hi, rect.y + rect.height, rect.y);
  const title = `Difference to the reference step · ${truncateLabel(layer, 50)}`;
  const body: string[] = [
    element("title", {}, textNode(`Mag(tX) minus the reference step's, layer ${layer}`)),
    element("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    element(
      "text",
      { class: "title", x: rect.x, y: 24, "font-size": 15, "font-weight": "bold", fill: "#222222" },
      textNode(title),
    ),
    element(
      "text",
      { class: "subtitle", x: rect.x, y: 43, fill: "#555555" },
      textNode(
        found === null
          ? "the reference step has no curve"
          : `Mag_step(tX) − Mag_ref(tX), reference = step ${formatValue(found.reference)}; mean |·| over [0, T] = diff_ref`,
      ),
    ),
    ...drawAxes({ rect, xAxis, xScale, yAxis, yScale, xLabel: "scale t", yLabel: "Δ magnitude" }),
    element("line", {
      class: "zero",
      x1: rect.x,
      y1: yScale(0),
      x2: rect.x + rect.width,
      y2: yScale(0),
      stroke: "#888888",
      "stroke-width": 1,
    }),
  ];
  const lines = drawn.map((d, i) =>
    element(
      "polyline",
      {
        class: "difference",
        "data-step": formatValue(d.step),
        points: d.t.map((t, j) => `${formatPixel(xScale(t))},${formatPixel(yScale(d.delta[j]!))}`).join(" "),
        fill: "none",
        stroke: rankColor(i, drawn.length),
        "stroke-width": 1.6,
        "stroke-linejoin": "round",
      },
      element("title", {}, textNode(`step ${formatValue(d.step)}`)),
    ),
  );
  body.push(element("g", { class: "plot" }, lines));
  if (drawn.length === 0) body.push(emptyPlotNote(rect, "no curves on the reference grid"));
  if (found !== null && found.offGrid.length > 0) {
    body.push(
      element(
        "text",
        { class: "note", x: rect.x, y: height - 8, fill: "#8a5a00", "font-size": 11 },
        textNode(`not drawn (other grid or not finite): ${found.offGrid.length} step(s)`),
      ),
    );
  }
  return svgRoot(
    width,
    height,
    `Difference of magnitude functions to the reference, layer ${layer}`,
    opts.inline ?? false,
    body,
  );
}
