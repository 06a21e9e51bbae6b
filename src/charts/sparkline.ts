/**
 * A small trend line for tables (the cross-run index): one metric over training steps, no axes.
 * The y range is passed in, so every run's line in one column shares a scale (a 0.4 % drift then
 * looks like 0.4 %, not like a halving); the caption names the first and last value and the
 * relative change (last − first) / |first|. Non-finite values leave a gap (gappedPath).
 */
import { formatValue } from "./format.js";
import { linearScale } from "./scale.js";
import { element, svgRoot, textNode } from "./svg.js";
import { gappedPath } from "./trends.js";

export interface SparklinePoint {
  readonly step: number;
  readonly value: number;
}

export interface SparklineOptions {
  /** Shared value range [lo, hi] (default: this series' own finite range). */
  readonly range?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
  /** For embedding in HTML: leave out the xmlns attribute. */
  readonly inline?: boolean;
}

const LINE = "#3b528b"; // the trend charts' colour (trends.ts)
const PAD = 3;

/** (last − first) / |first| as "−59 %" / "+0.41 %"; null when undefined (fewer than 2 values, first 0). */
export function relativeChange(first: number, last: number): string | null {
  if (!Number.isFinite(first) || !Number.isFinite(last) || first === 0) return null;
  const pct = ((last - first) / Math.abs(first)) * 100;
  const size = Math.abs(pct);
  const digits = size >= 10 ? size.toFixed(0) : size >= 1 ? size.toFixed(1) : size.toPrecision(2);
  return `${pct < 0 ? "−" : "+"}${digits} %`;
}

export function renderSparklineSvg(
  label: string,
  points: readonly SparklinePoint[],
  opts: SparklineOptions = {},
): string {
  const width = opts.width ?? 120;
  const height = opts.height ?? 32;
  const ordered = points.filter((p) => Number.isFinite(p.step)).sort((a, b) => a.step - b.step);
  const finite = ordered.filter((p) => Number.isFinite(p.value));
  const lo = opts.range?.[0] ?? Math.min(...finite.map((p) => p.value));
  const hi = opts.range?.[1] ?? Math.max(...finite.map((p) => p.value));
  const first = ordered[0]?.step ?? 0;
  const last = ordered[ordered.length - 1]?.step ?? 1;
  const x = linearScale(first, last, PAD, width - PAD);
  const y = linearScale(lo, hi, height - PAD, PAD);
  const body: string[] = [element("title", {}, textNode(label))];
  if (finite.length > 0) {
    const path = gappedPath(
      ordered.map((p) => (Number.isFinite(p.value) ? { x: x(p.step), y: y(p.value) } : null)),
    );
    body.push(element("path", { class: "spark", d: path, fill: "none", stroke: LINE, "stroke-width": 1.4 }));
    const end = finite[finite.length - 1]!;
    body.push(element("circle", { cx: x(end.step), cy: y(end.value), r: 2, fill: LINE }));
  }
  return svgRoot(width, height, label, opts.inline ?? false, body);
}

/** "90.8 → 37.4 (−59 %)": the caption beside a sparkline. */
export function sparklineCaption(points: readonly SparklinePoint[]): string {
  const finite = points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.step - b.step);
  if (finite.length === 0) return "no data";
  const a = finite[0]!.value;
  const b = finite[finite.length - 1]!.value;
  if (finite.length === 1) return formatValue(a);
  const change = relativeChange(a, b);
  return `${formatValue(a)} → ${formatValue(b)}${change === null ? "" : ` (${change})`}`;
}
