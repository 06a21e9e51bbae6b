/**
 * One self-contained HTML page per run: a section per layer (curves chart, trends chart, metrics
 * table), the computation settings, what each metric means with the papers, and a footer. Inline
 * CSS and SVG only; a Content-Security-Policy forbids every network load, no scripts at all; no
 * timestamps, so identical inputs give byte-identical pages.
 */
import type { AlertRecord, LayerReference, RunMetrics, StepResult } from "../adapter-kit.js";
import { ALERT_BANNER_CSS, alertBanner } from "./alert-banner.js";
import { renderCurvesSvg } from "./curves.js";
import { renderDifferenceSvg } from "./difference.js";
import { formatValue } from "./format.js";
import { TREND_METRICS } from "./metric-info.js";
import { htmlPage, pageHead, panelsFigure } from "./page-style.js";
import { stepRangeOf } from "./series-panel.js";
import { element, textNode } from "./svg.js";
import { drawableKeys, renderTrainingSvg } from "./training.js";
import { renderTrendsSvg } from "./trends.js";

export interface ReportRun {
  readonly id: string;
  readonly displayName?: string;
}

export interface ReportLayer {
  readonly layer: string;
  readonly reference: LayerReference;
  readonly results: readonly StepResult[];
}

export interface RunReportOptions {
  /** magtrack version for the footer (no version is printed when absent). */
  readonly version?: string;
  /** Convergence fraction q for the curves' dashed line (default 0.95). */
  readonly q?: number;
  /** t_conv panels on a log axis. */
  readonly logTConv?: boolean;
  /** Alerts shown in a banner at the top (alert-banner.ts); none: no banner. */
  readonly alerts?: readonly AlertRecord[];
  /** The run's own logged metrics for the training-curves panel (absent: the panel is left out). */
  readonly training?: TrainingCurves;
}

/** The run's own metrics as read for its page: the histories, or why there are none to show. */
export type TrainingCurves =
  | { readonly status: "read"; readonly metrics: RunMetrics }
  | { readonly status: "unavailable"; readonly reason: string };

/**
 * One step axis for the whole page: [first, last] over every layer's results and every drawn
 * training history, so a magnitude trend and the loss at the same x are the same step.
 */
export function pageStepRange(layers: readonly ReportLayer[], training?: TrainingCurves): [number, number] {
  const steps = layers.flatMap((l) => l.results.map((r) => r.step));
  if (training?.status === "read")
    for (const key of drawableKeys(training.metrics))
      for (const p of training.metrics[key]!) steps.push(p.step);
  return stepRangeOf(steps);
}

function trainingSection(name: string, training: TrainingCurves, stepRange: [number, number]): string {
  const keys = training.status === "read" ? drawableKeys(training.metrics) : [];
  const body =
    training.status === "unavailable"
      ? element("p", { class: "muted" }, textNode(`Training metrics not read: ${training.reason}.`))
      : keys.length === 0
        ? element("p", { class: "muted" }, "No training metrics logged for this run.")
        : panelsFigure((columns) =>
            renderTrainingSvg(name, training.metrics, { inline: true, stepRange, columns }),
          );
  return element("section", { id: "training" }, [
    "\n",
    element("h2", {}, "Training curves"),
    "\n",
    element(
      "p",
      { class: "muted" },
      "The run's own metrics as the training job logged them, on the same step axis as the magnitude trends below.",
    ),
    "\n",
    body,
    "\n",
  ]);
}

const PAPERS = [
  {
    cite: "Andreeva, Limbeck, Rieck, Sarkar. Metric Space Magnitude and Generalisation in Neural Networks. TAG-ML 2023, PMLR 221.",
    arxiv: "2305.05611",
  },
  {
    cite: "Limbeck, Andreeva, Sarkar, Rieck. Metric Space Magnitude for Evaluating the Diversity of Latent Representations. NeurIPS 2024.",
    arxiv: "2311.16054",
  },
] as const;

/** Metric columns: the four documented ones first, then every other key, sorted by code unit. */
function metricColumns(results: readonly StepResult[]): string[] {
  const main = TREND_METRICS.map((m) => m.key);
  const extra = new Set<string>();
  for (const r of results) for (const key of Object.keys(r.metrics)) if (!main.includes(key)) extra.add(key);
  return [...main, ...[...extra].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
}

function metricsTable(results: readonly StepResult[]): string {
  const columns = metricColumns(results);
  const header = element("tr", {}, [
    element("th", {}, "step"),
    ...columns.map((c) => element("th", {}, textNode(c))),
  ]);
  const rows = [...results]
    .sort((a, b) => a.step - b.step)
    .map((r) =>
      element("tr", {}, [
        element("td", { class: "num" }, textNode(formatValue(r.step))),
        ...columns.map((c) => {
          const v = r.metrics[c];
          return element("td", { class: "num" }, v === undefined ? "—" : textNode(formatValue(v, 5)));
        }),
      ]),
    );
  return element(
    "div",
    { class: "table-wrap" },
    element("table", {}, [element("thead", {}, header), element("tbody", {}, rows.join("\n"))]),
  );
}

function layerSection(
  entry: ReportLayer,
  index: number,
  opts: RunReportOptions,
  stepRange: [number, number],
): string {
  const { layer, reference, results } = entry;
  const prefix = `l${index}`;
  const referenceText =
    `Reference scale T = ${formatValue(reference.T, 6)}, ${reference.source}` +
    (reference.step === null ? " (pinned)." : `, fixed at step ${formatValue(reference.step)}.`);
  const curves = renderCurvesSvg(layer, results, reference, {
    inline: true,
    idPrefix: `${prefix}-curves`,
    ...(opts.q === undefined ? {} : { q: opts.q }),
  });
  const trends = panelsFigure((columns) =>
    renderTrendsSvg(layer, results, { inline: true, logTConv: opts.logTConv === true, stepRange, columns }),
  );
  const difference = renderDifferenceSvg(layer, results, reference, { inline: true });
  return element("section", { id: `layer-${index}` }, [
    "\n",
    element("h2", {}, ["Layer ", element("code", {}, textNode(layer))]),
    "\n",
    element("p", { class: "muted" }, textNode(`${referenceText} ${results.length} step(s).`)),
    "\n",
    element("figure", {}, curves),
    "\n",
    element("figure", {}, difference),
    "\n",
    trends,
    "\n",
    metricsTable(results),
    "\n",
  ]);
}

function settingsSection(settings: Readonly<Record<string, string>>): string {
  const keys = Object.keys(settings).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body =
    keys.length === 0
      ? element("p", { class: "muted" }, "No settings recorded.")
      : element(
          "table",
          {},
          element(
            "tbody",
            {},
            keys
              .map((k) =>
                element("tr", {}, [
                  element("th", {}, element("code", {}, textNode(k))),
                  element("td", {}, textNode(settings[k] ?? "")),
                ]),
              )
              .join("\n"),
          ),
        );
  return element("section", { id: "settings" }, [
    element("h2", {}, "Computation settings"),
    "\n",
    body,
    "\n",
  ]);
}

function metricsSection(): string {
  const items = [
    element("dt", {}, "Magnitude function (first chart of each layer)"),
    element(
      "dd",
      {},
      textNode(
        "Mag(tX) = Σᵢ wᵢ, where the weights solve Z_t w = 1 with Z_t[i,j] = exp(−t·d(xᵢ, xⱼ)) over the probe " +
          "activations X. It grows from 1 at t = 0 towards the number of distinct points n: the effective number " +
          "of distinct points seen at scale t. One line per training step, over the layer's fixed interval [0, T]; " +
          "the dashed line marks q·n.",
      ),
    ),
    ...TREND_METRICS.flatMap((m) => [
      element("dt", {}, [
        element("code", {}, textNode(`magnitude/<layer>/${m.key}`)),
        textNode(` — ${m.label}`),
      ]),
      element("dd", {}, textNode(m.explanation)),
    ]),
  ];
  const papers = PAPERS.map((p) =>
    element("li", {}, [
      textNode(`${p.cite} `),
      element("a", { href: `https://arxiv.org/abs/${p.arxiv}` }, textNode(`arXiv:${p.arxiv}`)),
    ]),
  );
  return element("section", { id: "metrics" }, [
    element("h2", {}, "What the metrics mean"),
    "\n",
    element("dl", {}, items.join("\n")),
    "\n",
    element("p", {}, "Papers:"),
    element("ul", {}, papers.join("\n")),
    "\n",
  ]);
}

export function renderRunReportHtml(
  run: ReportRun,
  layers: readonly ReportLayer[],
  settings: Readonly<Record<string, string>>,
  opts: RunReportOptions = {},
): string {
  const name = run.displayName !== undefined && run.displayName !== "" ? run.displayName : run.id;
  const toc = layers.map((l, i) =>
    element("li", {}, element("a", { href: `#layer-${i}` }, element("code", {}, textNode(l.layer)))),
  );
  const head = pageHead(`magtrack · ${name}`, opts.alerts?.length ? ALERT_BANNER_CSS : "");
  const stepRange = pageStepRange(layers, opts.training);
  const main = element("main", {}, [
    "\n",
    element("h1", {}, textNode(`Metric space magnitude · ${name}`)),
    "\n",
    element("p", { class: "muted" }, ["Run id ", element("code", {}, textNode(run.id))]),
    "\n",
    alertBanner(opts.alerts ?? []),
    "\n",
    layers.length === 0
      ? element("p", {}, "No layers have results yet.")
      : element("nav", {}, [element("p", {}, "Layers:"), element("ul", {}, toc.join("\n"))]),
    "\n",
    opts.training === undefined ? "" : `${trainingSection(name, opts.training, stepRange)}\n`,
    ...layers.map((l, i) => `${layerSection(l, i, opts, stepRange)}\n`),
    settingsSection(settings),
    "\n",
    metricsSection(),
    "\n",
    element(
      "footer",
      {},
      textNode(`Generated by magtrack${opts.version === undefined ? "" : ` ${opts.version}`}.`),
    ),
    "\n",
  ]);
  return htmlPage(head, main);
}
