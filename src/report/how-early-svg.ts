/**
 * The how-early chart: τ-b against the final outcome (y, −1 … 1) over the training fraction at which
 * the feature is read (x, 0 … 1); magnitude features in viridis colours, the best baseline as a thick
 * dashed black line, the band |τ| < 2/√n shaded (indistinguishable from noise at that n).
 * Built with the per-run charts' primitives (src/charts) so it reads like them.
 */
import { drawAxes, emptyPlotNote, type PlotRect } from "../charts/axes.js";
import { truncateLabel } from "../charts/escape.js";
import { linearScale } from "../charts/scale.js";
import { element, svgRoot, textNode } from "../charts/svg.js";
import { linearAxis } from "../charts/ticks.js";
import { gappedPath } from "../charts/trends.js";
import { viridis } from "../charts/viridis.js";
import type { HowEarly } from "./how-early.js";

export function renderHowEarlySvg(data: HowEarly, inline = false): string {
  const width = 760;
  const legendRows = data.curves.length;
  const rect: PlotRect = { x: 70, y: 40, width: 640, height: 260 };
  const height = rect.y + rect.height + 56 + legendRows * 18;
  const xAxis = linearAxis(0, 1, { mode: "tight" });
  const yAxis = linearAxis(-1, 1, { mode: "tight" });
  const xs = linearScale(0, 1, rect.x, rect.x + rect.width);
  const ys = linearScale(-1, 1, rect.y + rect.height, rect.y);
  const body: string[] = [
    element(
      "text",
      { x: rect.x, y: 22, "font-size": 14, "font-weight": 600, fill: "#222" },
      textNode(`How early: Kendall τ-b with final ${truncateLabel(data.outcome, 60)} (n = ${data.n} runs)`),
    ),
  ];
  const floor = data.n > 0 ? Math.min(1, 2 / Math.sqrt(data.n)) : 1;
  body.push(
    element("rect", {
      class: "noise-band",
      x: rect.x,
      y: ys(floor),
      width: rect.width,
      height: ys(-floor) - ys(floor),
      fill: "#f0f0f0",
    }),
  );
  body.push(
    ...drawAxes({
      rect,
      xAxis,
      xScale: xs,
      yAxis,
      yScale: ys,
      xLabel: "fraction of training at which the feature is read (1 = final)",
      yLabel: "τ-b",
    }),
  );
  if (data.curves.length === 0)
    body.push(emptyPlotNote(rect, "no feature could be correlated (fewer than 3 runs)"));
  const magnitudeCount = data.curves.filter((c) => c.kind === "magnitude").length;
  data.curves.forEach((curve, i) => {
    const baseline = curve.kind === "baseline";
    const colour = baseline
      ? "#000000"
      : viridis(magnitudeCount <= 1 ? 0.3 : (i / (magnitudeCount - 1)) * 0.85);
    const points = curve.tau.map((t, k) =>
      Number.isNaN(t) ? null : { x: xs(data.fractions[k] as number), y: ys(t) },
    );
    body.push(
      element("path", {
        class: baseline ? "curve baseline" : "curve magnitude",
        d: gappedPath(points),
        fill: "none",
        stroke: colour,
        "stroke-width": baseline ? 2.5 : 1.6,
        "stroke-dasharray": baseline ? "6 4" : undefined,
      }),
    );
    const ly = rect.y + rect.height + 52 + i * 18;
    body.push(
      element("g", { class: "legend" }, [
        element("line", {
          x1: rect.x,
          y1: ly - 4,
          x2: rect.x + 28,
          y2: ly - 4,
          stroke: colour,
          "stroke-width": baseline ? 2.5 : 1.6,
          "stroke-dasharray": baseline ? "6 4" : undefined,
        }),
        element(
          "text",
          { x: rect.x + 36, y: ly, fill: "#333" },
          textNode(`${baseline ? "best baseline: " : ""}${truncateLabel(curve.feature, 80)}`),
        ),
      ]),
    );
  });
  return svgRoot(
    width,
    height,
    `Kendall tau against final ${data.outcome} by training fraction`,
    inline,
    body,
  );
}
