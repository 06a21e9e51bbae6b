/**
 * The cross-run report as one self-contained HTML page (no network): the verdicts, the how-early
 * charts (inline SVG), the reference scale T each run used per layer, and every row.
 */
import { escapeXml } from "../charts/escape.js";
import { formatValue } from "../charts/format.js";
import { htmlPage, pageHead, panelsFigure } from "../charts/page-style.js";
import { drawableKeys, renderTrainingSvg } from "../charts/training.js";
import type { AlertRuleRow } from "./alert-rules.js";
import type { HowEarly } from "./how-early.js";
import { renderHowEarlySvg } from "./how-early-svg.js";
import type { CorrelationRow, RunData } from "./types.js";
import { fmt } from "./verdict.js";

export interface ReportPage {
  readonly title: string;
  readonly verdicts: readonly string[];
  readonly method: readonly string[];
  readonly charts: readonly HowEarly[];
  readonly runs: readonly RunData[];
  readonly left: readonly { run: string; reason: string }[];
  readonly rows: readonly CorrelationRow[];
  readonly skippedRows: number;
  /** --alert rules checked on the finished runs (section left out when none was given). */
  readonly alertRules?: readonly AlertRuleRow[];
}

const e = escapeXml;

/** On top of the shared page style (charts/page-style.ts): the wide tables, verdicts, folded runs. */
const REPORT_CSS = `
main { max-width: 72rem; }
.chart, .scroll { overflow-x: auto; }
.verdict { overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; }
th:nth-child(-n+4), td:nth-child(-n+4) { text-align: left; }
tr.magnitude td:nth-child(3) { font-weight: 600; }
.verdict { background: #f7f7f7; border-left: 4px solid #3b528b; padding: 0.5rem 0.8rem; }
details.run-training { margin: 0.3em 0; background: #fff; border: 1px solid #e3e3e3; padding: 0.3em 0.6em; }
details.run-training summary { cursor: pointer; overflow-wrap: anywhere; }
`;

function scalesTable(runs: readonly RunData[]): string {
  const layers = [...new Set(runs.flatMap((r) => Object.keys(r.references)))].sort();
  const head = `<tr><th>run</th>${layers.map((l) => `<th>T of ${e(l)}</th>`).join("")}</tr>`;
  const body = runs
    .map((r) => {
      const cells = layers.map((l) => {
        const ref = r.references[l];
        return `<td title="${e(ref?.source ?? "")}">${ref ? e(fmt(ref.T, 4)) : "—"}</td>`;
      });
      return `<tr><td>${e(r.run.displayName ?? r.run.id)}</td>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<div class="scroll"><table class="scales">${head}\n${body}</table></div>`;
}

function rowsTable(rows: readonly CorrelationRow[]): string {
  const within = rows.some((r) => r.tau_within !== undefined);
  const head =
    "<tr><th>at</th><th>outcome</th><th>feature</th><th>kind</th><th>n</th><th>τ-b</th><th>p</th><th>ρ</th><th>p(ρ)</th><th>BH q</th><th>distinct T</th>" +
    (within ? "<th>τ within</th><th>p within</th>" : "") +
    "</tr>";
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.kind}"><td>${e(r.at)}</td><td>${e(r.outcome)}</td><td>${e(r.feature)}</td><td>${r.kind}</td><td>${r.n}</td>` +
        `<td>${fmt(r.tau)}</td><td>${fmt(r.p, 3)}</td><td>${fmt(r.rho)}</td><td>${fmt(r.rho_p, 3)}</td><td>${fmt(r.q, 3)}</td>` +
        `<td>${r.T_distinct ?? ""}</td>` +
        (within ? `<td>${fmt(r.tau_within)}</td><td>${fmt(r.p_within, 3)}</td>` : "") +
        "</tr>",
    )
    .join("\n");
  return `<div class="scroll"><table class="rows">${head}\n${body}</table></div>`;
}

function alertRulesSection(rows: readonly AlertRuleRow[] | undefined): string {
  if (!rows || rows.length === 0) return "";
  const tables = rows.map((r) => {
    const head = "<tr><th>run</th><th>key</th><th>first step</th><th>fraction of training</th></tr>";
    const body = r.fired
      .map(
        (f) =>
          `<tr><td>${e(f.run)}</td><td>${e(f.key)}</td><td>${f.step}</td><td>${Math.round(f.fraction * 1000) / 10} %</td></tr>`,
      )
      .join("\n");
    const fired =
      r.fired.length > 0
        ? `<div class="scroll"><table class="alert-fired">${head}\n${body}</table></div>`
        : "";
    return `<h3>${e(r.rule)}</h3>\n<p class="verdict">${e(r.summary)}</p>\n${fired}`;
  });
  return `<h2>Alert rules on the finished runs</h2>
<p>Each rule as <code>magtrack sync --alert</code> evaluates it, on every finished run's stored results; "outside finished" compares a run with the other finished runs. Outcomes are read at each run's last logged step.</p>
${tables.join("\n")}`;
}

/** The last value of each drawn key, for a run's summary line: "loss 0.12 · test_accuracy 0.91". */
function lastValues(run: RunData): string {
  return drawableKeys(run.own)
    .slice(0, 4)
    .map((k) => {
      const h = run.own[k]!;
      return `${k} ${formatValue(h[h.length - 1]!.value)}`;
    })
    .join(" · ");
}

/**
 * Each run's own training curves, the panel of its run page (charts/training.ts), folded per run so
 * the page stays short; the summary line gives the last values. Tracker-independent: drawn from
 * what the report read (RunData.own), so it needs no link into the tracker.
 */
function trainingSection(runs: readonly RunData[]): string {
  const items = runs.map((r) => {
    const name = r.run.displayName ?? r.run.id;
    const keys = drawableKeys(r.own);
    const body =
      keys.length === 0
        ? `<p class="muted">No training metrics logged for this run.</p>`
        : panelsFigure((columns) => renderTrainingSvg(name, r.own, { inline: true, columns }));
    const last = keys.length === 0 ? "no training metrics" : lastValues(r);
    return `<details class="run-training"><summary><strong>${e(name)}</strong> <span class="muted">${e(last)}</span></summary>\n${body}\n</details>`;
  });
  return items.join("\n");
}

export function renderReportHtml(page: ReportPage): string {
  const left =
    page.left.length === 0
      ? ""
      : `<p>Left out: ${page.left.map((l) => `${e(l.run)} (${e(l.reason)})`).join("; ")}.</p>`;
  const main = `<main>
<h1>${e(page.title)}</h1>
<p>${page.runs.length} runs compared.</p>
${left}
<h2>What the numbers say</h2>
${page.verdicts.map((v) => `<p class="verdict">${e(v)}</p>`).join("\n")}
${alertRulesSection(page.alertRules)}
<h2>How early</h2>
${page.charts.map((c) => `<div class="chart">${renderHowEarlySvg(c, true)}</div>`).join("\n")}
<h2>Training curves of each run</h2>
<p>Each run's own logged metrics (the panel of its run page, same step axis as its magnitude trends there); open a run to see them.</p>
${trainingSection(page.runs)}
<h2>Method</h2>
<ul>${page.method.map((m) => `<li>${e(m)}</li>`).join("")}</ul>
<h2>Reference scale T of each run</h2>
<p>Magnitude metrics other than t_conv are computed on each layer's interval [0, T]; the "distinct T" column says how many different T a row's runs used.</p>
${scalesTable(page.runs)}
<h2>All rows</h2>
<p>${page.rows.length} rows${page.skippedRows > 0 ? `; ${page.skippedRows} feature/outcome pairs had fewer than 3 runs with both values or a constant feature, and are left out` : ""}.</p>
${rowsTable(page.rows)}
</main>`;
  return htmlPage(pageHead(page.title, REPORT_CSS), main);
}

/** The rows as a table artifact: {"columns": [...], "data": [[...], ...]} (MLflow's table JSON). */
export function rowsTableJson(rows: readonly CorrelationRow[]): string {
  const columns = [
    "at",
    "outcome",
    "feature",
    "kind",
    "n",
    "tau",
    "p",
    "rho",
    "rho_p",
    "q",
    "T_distinct",
    "tau_within",
    "p_within",
  ];
  const data = rows.map((r) => [
    r.at,
    r.outcome,
    r.feature,
    r.kind,
    r.n,
    num(r.tau),
    num(r.p),
    num(r.rho),
    num(r.rho_p),
    num(r.q),
    r.T_distinct ?? null,
    num(r.tau_within),
    num(r.p_within),
  ]);
  return `${JSON.stringify({ columns, data })}\n`;
}

function num(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}
