/** Issue 15, local delivery: the run's report.html opens with a banner of its alerts (docs/alerts.md). */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { alertBanner } from "../../src/charts/alert-banner.js";
import { cli } from "../helpers/cli.js";
import { makeStore, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

it("the collapsed run's report.html lists its alert (rule, layer, step, value) above the layers; the healthy run's has none", async () => {
  const root = await makeStore({
    runs: { sick: { layers: { fc1: [0, 1] } }, healthy: { layers: { fc1: [0, 1, 2] } } },
  });
  roots.push(root);
  for (const step of [2, 3])
    await writeStep(root, "sick", "fc1", step, new Float64Array(40 * 4).fill(0.5), 40, 4);
  const rule = "magnitude/*/n_distinct < 2";
  const res = await cli(["sync", "--root", root, "--workers", "1", "--alert", rule]);
  expect(res.code).toBe(0);
  // the terminal line for the alert event
  expect(res.stderr).toMatch(
    /⚠ alert on run sick: magnitude\/\*\/n_distinct < 2 held for magnitude\/fc1\/n_distinct \(layer fc1\) at step 2/,
  );

  const html = await readFile(join(root, "sick", "magnitude", "report.html"), "utf8");
  const banner = /<section class="alerts" role="alert">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
  expect(banner).toContain("1 alert on this run");
  const cells = [...banner.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]);
  // the rule's "<" escaped; layer, first step that held, its value, why
  expect(cells).toEqual([
    "<code>magnitude/*/n_distinct &lt; 2</code>",
    "<code>fc1</code>",
    "2",
    "1",
    "1 &lt; 2",
  ]);
  expect(html.indexOf('class="alerts"')).toBeLessThan(html.indexOf('id="layer-0"'));

  const healthy = await readFile(join(root, "healthy", "magnitude", "report.html"), "utf8");
  expect(healthy).not.toContain('class="alerts"');
});

it("no alerts, no banner; text is escaped", () => {
  expect(alertBanner([])).toBe("");
  const html = alertBanner([
    {
      id: "x",
      rule: "magnitude/<b>/dim > 3",
      key: "magnitude/<b>/dim",
      layer: "<b>",
      step: 4,
      value: Number.NaN,
      detail: "a&b",
    },
  ]);
  expect(html).not.toContain("<b>");
  expect(html).toContain("&lt;b&gt;");
  expect(html).toContain("a&amp;b");
  expect(html).toContain("<td>NaN</td>");
});
