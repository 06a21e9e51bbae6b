/**
 * The look shared by magtrack's HTML pages (a run's report.html, the index across runs): one inline
 * style sheet, a Content-Security-Policy that forbids every network load and all scripts, no
 * timestamps (identical inputs give byte-identical pages).
 */
import { element, textNode } from "./svg.js";

export const PAGE_CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 980px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 1.5em; margin: 0.6em 0 0.2em; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.4em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; background: #eee; padding: 0 0.25em; border-radius: 3px; word-break: break-all; }
figure { margin: 0.6em 0; background: #fff; border: 1px solid #e3e3e3; overflow-x: auto; }
svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.6em 0; background: #fff; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { max-height: 480px; overflow: auto; }
.muted { color: #666; }
nav ul { padding-left: 1.2em; }
dt { font-weight: bold; margin-top: 0.6em; }
footer { margin-top: 2.5em; color: #777; font-size: 0.85em; }
/* Phone width: a 760-px chart shrunk to ~380 px has ~6-px text. Keep charts at 600 px (text ≥ 9.5 px)
   and let the figure scroll sideways instead. */
@media (max-width: 640px) {
  main { padding: 8px 10px 24px; }
  figure svg { max-width: none; width: 600px; }
}
/* Small multiples (trends, training curves) come in two layouts: two panels per row, and one per
   row at phone width, where each panel keeps its full size instead of scrolling sideways. */
figure.panels > .narrow { display: none; }
@media (max-width: 640px) {
  figure.panels > .wide { display: none; }
  figure.panels > .narrow { display: block; }
  figure.panels > .narrow svg { width: auto; max-width: 100%; }
}
`;

/** The <head> content: charset, CSP, viewport, generator, title, the style sheet (+ `extraCss`). */
export function pageHead(title: string, extraCss = ""): string {
  return [
    element("meta", { charset: "utf-8" }),
    element("meta", {
      "http-equiv": "Content-Security-Policy",
      content: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    }),
    element("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
    element("meta", { name: "generator", content: "magtrack" }),
    element("title", {}, textNode(title)),
    element("style", {}, PAGE_CSS + extraCss),
  ].join("\n");
}

/**
 * A small-multiples figure drawn by `render` twice: two panels per row (shown on wide screens) and
 * one per row (shown at phone width).
 */
export function panelsFigure(render: (columns: 1 | 2) => string): string {
  return element("figure", { class: "panels" }, [
    element("div", { class: "wide" }, render(2)),
    element("div", { class: "narrow" }, render(1)),
  ]);
}

export function htmlPage(head: string, main: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n${head}\n</head>\n<body>\n${main}\n</body>\n</html>\n`;
}
