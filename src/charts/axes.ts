/** Axis drawing shared by the charts: frame, grid lines, tick marks with labels, axis titles. */
import { formatPixel, formatTick } from "./format.js";
import type { Scale } from "./scale.js";
import { element, textNode } from "./svg.js";
import type { Axis } from "./ticks.js";

/** The plot area in pixels: (x, y) is its top-left corner. */
export interface PlotRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface AxesSpec {
  readonly rect: PlotRect;
  readonly xAxis: Axis;
  readonly xScale: Scale;
  readonly yAxis: Axis;
  readonly yScale: Scale;
  readonly xLabel: string;
  readonly yLabel?: string;
}

const GRID = "#e6e6e6";
const INK = "#333333";
const FRAME = "#9a9a9a";

/**
 * Grid lines and ticks (`<g class="tick x|y">` holding the line and its label, so a reader or a
 * test can pair each label with its pixel position), the frame, and the axis titles.
 */
export function drawAxes(spec: AxesSpec): string[] {
  const { rect, xAxis, xScale, yAxis, yScale } = spec;
  const left = rect.x;
  const right = rect.x + rect.width;
  const top = rect.y;
  const bottom = rect.y + rect.height;
  const out: string[] = [];
  for (const value of yAxis.ticks) {
    const y = yScale(value);
    out.push(
      element("g", { class: "tick y" }, [
        element("line", { x1: left - 4, y1: y, x2: right, y2: y, stroke: GRID }),
        element(
          "text",
          { x: left - 7, y, dy: "0.32em", "text-anchor": "end", fill: INK },
          textNode(formatTick(value, yAxis.step)),
        ),
      ]),
    );
  }
  for (const value of xAxis.ticks) {
    const x = xScale(value);
    out.push(
      element("g", { class: "tick x" }, [
        element("line", { x1: x, y1: top, x2: x, y2: bottom + 4, stroke: GRID }),
        element(
          "text",
          { x, y: bottom + 17, "text-anchor": "middle", fill: INK },
          textNode(formatTick(value, xAxis.step)),
        ),
      ]),
    );
  }
  out.push(
    element("rect", {
      class: "plot-area",
      x: left,
      y: top,
      width: rect.width,
      height: rect.height,
      fill: "none",
      stroke: FRAME,
    }),
  );
  out.push(
    element(
      "text",
      { class: "axis-label x", x: left + rect.width / 2, y: bottom + 36, "text-anchor": "middle", fill: INK },
      textNode(spec.xLabel),
    ),
  );
  if (spec.yLabel !== undefined) {
    const cx = left - 46;
    const cy = top + rect.height / 2;
    out.push(
      element(
        "text",
        {
          class: "axis-label y",
          x: cx,
          y: cy,
          transform: `rotate(-90 ${formatPixel(cx)} ${formatPixel(cy)})`,
          "text-anchor": "middle",
          fill: INK,
        },
        textNode(spec.yLabel),
      ),
    );
  }
  return out;
}

/** A centred grey note inside an empty plot area ("no data" …). The text is escaped. */
export function emptyPlotNote(rect: PlotRect, text: string): string {
  return element(
    "text",
    {
      class: "empty",
      x: rect.x + rect.width / 2,
      y: rect.y + rect.height / 2,
      "text-anchor": "middle",
      fill: "#777777",
    },
    textNode(text),
  );
}
