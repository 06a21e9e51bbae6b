/**
 * The run's own training curves (loss, accuracy … as the training job logged them; read with
 * TrackerAdapter.readRunMetrics) as small multiples, one panel per key, on the same step axis as the
 * magnitude trends of the run page (pass the same stepRange to both). Same panels as trends.ts.
 */
import type { MetricPoint, RunMetrics } from "../adapter-kit.js";
import { truncateLabel } from "./escape.js";
import { drawSeriesPanel, panelGrid, stepAxis, stepRangeOf } from "./series-panel.js";
import { element, svgRoot, textNode } from "./svg.js";

export interface TrainingChartOptions {
  /** The step axis' [first, last] (default: the steps of the drawn histories). */
  readonly stepRange?: readonly [number, number];
  /** Panels per row (default 2; 1 for phone width, page-style.ts). */
  readonly columns?: 1 | 2;
  /** Width of the whole figure (default 760 for 2 columns, 380 for 1). */
  readonly width?: number;
  readonly inline?: boolean;
  /** At most this many panels (default 8); the rest are named in the title line. */
  readonly maxPanels?: number;
  /** Points per panel beyond which a history is thinned (default 1000). */
  readonly maxPoints?: number;
}

/** Losses first, then accuracies, then the rest; by name within each group. */
export function trainingKeyOrder(keys: readonly string[]): string[] {
  const rank = (k: string) => (/loss/i.test(k) ? 0 : /acc/i.test(k) ? 1 : 2);
  return [...keys].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * At most ~maxPoints points: the steps are cut into maxPoints/2 buckets and each bucket keeps its
 * lowest and highest value (in step order), so spikes survive; non-finite values are kept (gaps).
 */
export function thinHistory(points: readonly MetricPoint[], maxPoints: number): MetricPoint[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = points.length / buckets;
  const out: MetricPoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    const gap = slice.find((p) => !Number.isFinite(p.value));
    const finite = slice.filter((p) => Number.isFinite(p.value));
    if (finite.length === 0) {
      if (gap) out.push(gap);
      continue;
    }
    let lo = finite[0]!;
    let hi = finite[0]!;
    for (const p of finite) {
      if (p.value < lo.value) lo = p;
      if (p.value > hi.value) hi = p;
    }
    const pair = lo.step <= hi.step ? [lo, hi] : [hi, lo];
    out.push(pair[0]!);
    if (pair[1] !== pair[0]) out.push(pair[1]!);
    if (gap) out.push(gap);
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The keys that have at least one point. */
export function drawableKeys(metrics: RunMetrics): string[] {
  return trainingKeyOrder(Object.keys(metrics).filter((k) => (metrics[k]?.length ?? 0) > 0));
}

export function renderTrainingSvg(
  runName: string,
  metrics: RunMetrics,
  opts: TrainingChartOptions = {},
): string {
  const columns = opts.columns ?? 2;
  const width = opts.width ?? 380 * columns;
  const keys = drawableKeys(metrics);
  const drawn = keys.slice(0, opts.maxPanels ?? 8);
  const { rects, height } = panelGrid(drawn.length, width, columns);
  const range = opts.stepRange ?? stepRangeOf(drawn.flatMap((k) => metrics[k]!.map((p) => p.step)));
  const xAxis = stepAxis(range);
  const left = keys.length - drawn.length;
  const body: string[] = [
    element("title", {}, textNode(`Training curves of run ${runName}`)),
    element("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    element(
      "text",
      { class: "title", x: 16, y: 24, "font-size": 15, "font-weight": "bold", fill: "#222222" },
      textNode(
        // One column (phone width) has room for the count only; the page's heading names the run.
        `Training curves · ${columns === 1 ? "" : `${truncateLabel(runName, 50)} · `}${drawn.length} metric${drawn.length === 1 ? "" : "s"}` +
          (left > 0 ? ` (+${left} more not drawn)` : ""),
      ),
    ),
  ];
  drawn.forEach((key, index) => {
    const history = thinHistory(metrics[key]!, opts.maxPoints ?? 1000);
    body.push(
      drawSeriesPanel({ key, title: truncateLabel(key, 48), log: false }, history, rects[index]!, xAxis),
    );
  });
  return svgRoot(width, height, `Training curves of run ${runName}`, opts.inline ?? false, body);
}
