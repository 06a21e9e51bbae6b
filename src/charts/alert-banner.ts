/**
 * The banner at the top of a run's report.html (docs/alerts.md): the alerts the sync's rules raise on
 * the run's results, one row each (rule, layer, step, value, why). Text only, escaped; no banner when
 * there is none.
 */
import type { AlertRecord } from "../adapter-kit.js";
import { formatValue } from "./format.js";
import { element, textNode } from "./svg.js";

export const ALERT_BANNER_CSS = `
.alerts { border: 2px solid #b45309; background: #fff7ed; border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
.alerts h2 { color: #9a3412; font-size: 1.1em; margin: 0.2em 0 0.4em; }
.alerts table { border-collapse: collapse; }
.alerts td, .alerts th { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
`;

export function alertBanner(alerts: readonly AlertRecord[]): string {
  if (alerts.length === 0) return "";
  const sorted = [...alerts].sort((a, b) => a.step - b.step || a.key.localeCompare(b.key));
  const header = element(
    "tr",
    {},
    ["Rule", "Layer", "Step", "Value", "Why"].map((h) => element("th", {}, h)),
  );
  const rows = sorted.map((a) =>
    element("tr", { "data-alert-id": a.id }, [
      element("td", {}, element("code", {}, textNode(a.rule))),
      element("td", {}, element("code", {}, textNode(a.layer))),
      element("td", {}, textNode(String(a.step))),
      element("td", {}, textNode(Number.isFinite(a.value) ? formatValue(a.value) : String(a.value))),
      element("td", {}, textNode(a.detail)),
    ]),
  );
  const title = `${alerts.length} alert${alerts.length === 1 ? "" : "s"} on this run`;
  return element("section", { class: "alerts", role: "alert" }, [
    element("h2", {}, `⚠ ${textNode(title)}`),
    element("table", {}, [element("thead", {}, header), element("tbody", {}, rows.join("\n"))]),
  ]);
}
