/**
 * The index page across runs (docs/views.md): one row per run, one column per layer; each cell a
 * sparkline of the layer's area (MagArea / T) over training steps, the latest value and the change
 * since the run's first step, and markers for raised alerts and collapsed steps. Every sparkline of
 * a column shares one y range (the column's min and max over all runs), so equal heights mean equal
 * values across runs; the header states the range. Same page style as a run's report.html.
 */
import type { AlertRecord, MetricPoint, RunIndex, RunIndexEntry, RunIndexLayer } from "../adapter-kit.js";
import { formatValue } from "./format.js";
import { htmlPage, pageHead } from "./page-style.js";
import { relativeChange, renderSparklineSvg } from "./sparkline.js";
import { element, textNode } from "./svg.js";

/** Where the page's links go, relative to the page; null = no page there (no link is drawn). */
export interface RunIndexLinks {
  /** The run's own report (local: "<run>/magnitude/report.html"). */
  run(runId: string): string | null;
  /** The cross-run report written by `magtrack report`, if there is one. */
  readonly experimentReport: string | null;
}

const INDEX_CSS = `
.index-wrap { max-height: none; }
table.runs th.run { position: sticky; left: 0; background: #fff; z-index: 1; min-width: 7em; }
table.runs td.cell { min-width: 130px; }
.change { font-size: 0.9em; }
/* Phone width: the run column keeps 7em (long names wrap there) and the table scrolls sideways
   under it; min-width 0 let the table layout squeeze it to one character per line. */
@media (max-width: 640px) {
  table.runs th.run { max-width: 8.5em; overflow-wrap: anywhere; }
  table.runs td.cell { min-width: 120px; }
}
.latest { font-variant-numeric: tabular-nums; }
.up { color: #1f6f3f; }
.down { color: #9a3412; }
.marker { display: inline-block; margin-top: 2px; padding: 0 4px; border-radius: 3px; font-size: 0.85em; }
.marker.alert { background: #fde7c2; color: #7a4100; }
.marker.collapsed { background: #e6e6e6; color: #333; }
.problem { color: #9a3412; }
`;

/** [min, max] of the finite area values of `layer` over every run (the column's shared range). */
export function columnRange(index: RunIndex, layer: string): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const entry of index.runs)
    for (const l of entry.layers)
      if (l.layer === layer)
        for (const p of l.area)
          if (Number.isFinite(p.value)) {
            lo = Math.min(lo, p.value);
            hi = Math.max(hi, p.value);
          }
  return lo <= hi ? [lo, hi] : null;
}

function finitePoints(points: readonly MetricPoint[]): MetricPoint[] {
  return points.filter((p) => Number.isFinite(p.value));
}

function changeClass(change: string | null): string {
  return change === null ? "" : change.startsWith("−") ? "down" : "up";
}

function layerCell(
  runName: string,
  layer: RunIndexLayer | undefined,
  alerts: readonly AlertRecord[],
  range: [number, number] | null,
): string {
  if (layer === undefined) return element("td", { class: "cell muted" }, "—");
  const finite = finitePoints(layer.area);
  const parts: string[] = [];
  const label = `${runName} · ${layer.layer} · area over ${layer.area.length} step(s)`;
  parts.push(renderSparklineSvg(label, layer.area, { inline: true, ...(range ? { range } : {}) }).trimEnd());
  if (finite.length === 0) {
    parts.push(element("div", { class: "muted" }, "no finite area"));
  } else {
    const first = finite[0]!;
    const last = finite[finite.length - 1]!;
    const change = finite.length > 1 ? relativeChange(first.value, last.value) : null;
    parts.push(
      element("div", { class: "latest" }, [
        textNode(formatValue(last.value)),
        element("span", { class: "muted" }, textNode(` @ step ${formatValue(last.step)}`)),
      ]),
    );
    if (change !== null)
      parts.push(
        element(
          "div",
          {
            class: `change ${changeClass(change)}`,
            title: `(last − first) / |first| since step ${first.step}`,
          },
          textNode(`${change} since step ${formatValue(first.step)}`),
        ),
      );
  }
  if (alerts.length > 0) {
    const detail = alerts.map((a) => `${a.rule} at step ${a.step}: ${a.detail}`).join("; ");
    parts.push(
      element(
        "div",
        { class: "marker alert", title: detail },
        textNode(`⚠ ${alerts.length} alert${alerts.length === 1 ? "" : "s"}`),
      ),
    );
  }
  if (layer.collapsedSteps.length > 0) {
    const steps = layer.collapsedSteps;
    parts.push(
      element(
        "div",
        { class: "marker collapsed", title: `steps ${steps.join(", ")}: one distinct row, Mag ≡ 1` },
        textNode(`collapsed at ${steps.length} step${steps.length === 1 ? "" : "s"} (first ${steps[0]})`),
      ),
    );
  }
  return element("td", { class: "cell", "data-layer": layer.layer }, parts.join(""));
}

function runRow(
  entry: RunIndexEntry,
  layers: readonly string[],
  ranges: ReadonlyMap<string, [number, number] | null>,
  links: RunIndexLinks,
): string {
  const { run } = entry;
  const name = run.displayName !== undefined && run.displayName !== "" ? run.displayName : run.id;
  const href = links.run(run.id);
  const title = href === null ? textNode(name) : element("a", { href }, textNode(name));
  const status: string[] = [title];
  if (name !== run.id) status.push(element("div", { class: "muted" }, element("code", {}, textNode(run.id))));
  const steps = new Set(entry.layers.flatMap((l) => l.area.map((p) => p.step))).size;
  if (entry.problem !== undefined) {
    status.push(element("div", { class: "problem" }, textNode(`${run.status} · not read: ${entry.problem}`)));
  } else if (entry.layers.length === 0) {
    status.push(element("div", { class: "muted" }, textNode(`${run.status} · no results yet`)));
  } else {
    status.push(
      element("div", { class: "muted" }, textNode(`${run.status} · ${steps} step${steps === 1 ? "" : "s"}`)),
    );
  }
  // Alerts on keys outside the layer columns (trajectory windows …) are counted in the run's cell.
  const other = entry.alerts.filter((a) => !entry.layers.some((l) => l.layer === a.layer));
  if (other.length > 0) {
    status.push(
      element(
        "div",
        { class: "marker alert", title: other.map((a) => `${a.key}: ${a.detail}`).join("; ") },
        textNode(`⚠ ${other.length} other alert${other.length === 1 ? "" : "s"}`),
      ),
    );
  }
  const cells = layers.map((layer) =>
    layerCell(
      name,
      entry.layers.find((l) => l.layer === layer),
      entry.alerts.filter((a) => a.layer === layer && a.key.startsWith("magnitude/")),
      ranges.get(layer) ?? null,
    ),
  );
  return element("tr", {}, [element("th", { class: "run", scope: "row" }, status.join("")), ...cells]);
}

export function renderRunIndexHtml(index: RunIndex, links: RunIndexLinks): string {
  const layers = [...new Set(index.runs.flatMap((r) => r.layers.map((l) => l.layer)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const ranges = new Map(layers.map((l) => [l, columnRange(index, l)] as const));
  const header = element("tr", {}, [
    element("th", { class: "run" }, "run"),
    ...layers.map((l) => {
      const range = ranges.get(l);
      return element("th", { "data-layer": l }, [
        element("code", {}, textNode(l)),
        element(
          "div",
          { class: "muted" },
          textNode(range ? `area ${formatValue(range[0])} – ${formatValue(range[1])}` : "area"),
        ),
      ]);
    }),
  ]);
  const rows = index.runs.map((entry) => runRow(entry, layers, ranges, links));
  const intro =
    index.runs.length === 0
      ? element("p", {}, "No runs in this store yet.")
      : element(
          "p",
          { class: "muted" },
          textNode(
            `${index.runs.length} run${index.runs.length === 1 ? "" : "s"}, ${layers.length} layer${layers.length === 1 ? "" : "s"}. ` +
              "Each line is the layer's area (MagArea / T, magnitude/<layer>/area) over the run's training steps; " +
              "the lines of one column share the y range in its header, so equal heights are equal values. " +
              "Below each line: the latest value, and the change since the run's first step, (last − first) / |first|.",
          ),
        );
  const report =
    links.experimentReport === null
      ? element(
          "p",
          { class: "muted" },
          "No cross-run report yet (magtrack report writes one: does magnitude rank the runs by an outcome?).",
        )
      : element("p", {}, [
          "Cross-run report: ",
          element("a", { href: links.experimentReport }, "does magnitude predict the outcomes?"),
        ]);
  const main = element("main", {}, [
    "\n",
    element("h1", {}, "Metric space magnitude · runs"),
    "\n",
    intro,
    "\n",
    report,
    "\n",
    index.runs.length === 0
      ? ""
      : element(
          "div",
          { class: "table-wrap index-wrap" },
          element("table", { class: "runs" }, [
            element("thead", {}, header),
            element("tbody", {}, rows.join("\n")),
          ]),
        ),
    "\n",
    element(
      "footer",
      {},
      textNode(`Generated by magtrack${index.version === undefined ? "" : ` ${index.version}`}.`),
    ),
    "\n",
  ]);
  return htmlPage(pageHead("magtrack · runs", INDEX_CSS), main);
}
