/**
 * magtrack's W&B custom chart, rendered headless the way the W&B frontend draws a Vega2 panel:
 * the registered spec with `${field:NAME}` / `${string:NAME}` filled from the panel's
 * fieldSettings / stringSettings (wandb/plot/custom_chart.py writes both into the panel config) and
 * the run's summary table as the data set named "wandb", compiled with vega-lite and rendered to
 * SVG with vega. What a reader needs: one line per training step, each its own colour on a
 * sequential scale in numeric step order, a tooltip naming that row's step, t and M(t) (single
 * values), titles naming the metric key, and a table below the 10,000 rows the SDK keeps.
 */
import { parse as parseVega, View } from "vega";
import { compile } from "vega-lite";
import { describe, expect, it } from "vitest";
import { CURVE_CHART_SPEC_TEXT, curveChartStrings } from "../../../adapters/wandb/curve-chart.js";
import { buildCurveTable, MAX_TABLE_ROWS, selectSteps } from "../../../adapters/wandb/curve-table.js";
import { parseExtended } from "../../../adapters/wandb/extended-json.js";
import { chartKey, curvePanel } from "../../../adapters/wandb/run-config.js";
import type { StepResult } from "../../../src/adapter-kit.js";

type Obj = Record<string, unknown>;

/** A step's result with a curve M(t) = 1 + slope·t on t = 0, 1, …, n-1. */
function stepWithCurve(layer: string, step: number, slope: number, n = 8): StepResult {
  const t = Array.from({ length: n }, (_, i) => i);
  return {
    layer,
    step,
    metrics: { area: 1 },
    curve: { t, magnitude: t.map((x) => 1 + slope * x) },
  } as unknown as StepResult;
}

/** The spec as the W&B frontend hands it to Vega-Lite for this panel and table. */
function panelSpec(layer: string, results: StepResult[]) {
  const table = buildCurveTable(layer, results)!;
  const panel = curvePanel(layer, "team/magtrack", curveChartStrings(chartKey(layer), table.selection));
  const config = panel.panel_config as { fieldSettings: Obj; stringSettings: Obj };
  const text = CURVE_CHART_SPEC_TEXT.replace(/\$\{field:(\w+)\}/g, (_, k) =>
    String(config.fieldSettings[k]),
  ).replace(/\$\{string:(\w+)\}/g, (_, k) => String(config.stringSettings[k]));
  expect(text).not.toMatch(/\$\{/); // every placeholder has a setting
  const json = parseExtended(new TextDecoder().decode(table.bytes), "table") as {
    columns: string[];
    data: unknown[][];
  };
  const rows = json.data.map((r) => Object.fromEntries(json.columns.map((c, i) => [c, r[i]])));
  const spec = JSON.parse(text);
  spec.data = { name: "wandb", values: rows };
  return { spec, table, rows };
}

async function render(spec: Obj) {
  const vg = compile(spec as never).spec;
  const view = new View(parseVega(vg), { renderer: "none" });
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  return { vg, view, svg };
}

interface SceneItem {
  marktype?: string;
  role?: string;
  items?: SceneItem[];
  datum?: Obj;
  stroke?: string;
  fill?: string;
  tooltip?: Obj;
}

function marks(node: SceneItem, type: string, out: SceneItem[] = []): SceneItem[] {
  if (node.marktype === type && node.role === "mark") out.push(node);
  for (const child of node.items ?? []) marks(child, type, out);
  return out;
}

/** The stroke of every line drawn in the SVG (vega writes one <path> per line, "rgb(r, g, b)"). */
function lineStrokes(svg: string): string[] {
  return [...svg.matchAll(/<path[^>]*aria-roledescription="line mark"[^>]*>/g)].map(
    (m) => /stroke="([^"]+)"/.exec(m[0])?.[1] ?? "none",
  );
}

/** WCAG relative luminance of "rgb(r, g, b)" or "#rrggbb" (sRGB → linear). */
function luminance(color: string): number {
  const rgb = /rgb\((\d+), ?(\d+), ?(\d+)\)/.exec(color);
  const c = rgb
    ? rgb.slice(1, 4).map((v) => Number(v) / 255)
    : [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16) / 255);
  const lin = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
}

describe("W&B custom chart (magtrack's own Vega-Lite spec, rendered with vega)", () => {
  // Steps whose text order differs from their numeric order (100 < 16 as strings).
  const steps = Array.from({ length: 25 }, (_, i) => i * i * 4);

  it("25 steps give 25 lines in 25 distinct stroke colours, ordered by numeric step on a sequential scale", async () => {
    const results = steps.map((s, i) => stepWithCurve("fc1", s, 0.5 + i / 10));
    const { spec } = panelSpec("fc1", results);
    const { svg, view } = await render(spec);

    const strokes = lineStrokes(svg);
    expect(strokes).toHaveLength(25);
    expect(new Set(strokes).size).toBe(25);

    // Which line is which step: the scenegraph's line marks (one per step) and their datum.
    const lines = marks((view.scenegraph() as unknown as { root: SceneItem }).root, "line").map((m) => ({
      step: Number(m.items![0]!.datum!.step),
      stroke: String(m.items![0]!.stroke),
      points: m.items!.length,
    }));
    expect(lines.map((l) => l.step).sort((a, b) => a - b)).toEqual(steps);
    expect(lines.every((l) => l.points === 8)).toBe(true); // one step per line, all its scales
    expect(new Set(lines.map((l) => l.stroke))).toEqual(new Set(strokes));
    // Sequential scale in numeric order: luminance rises strictly with the step (viridis: dark → yellow).
    const byStep = [...lines].sort((a, b) => a.step - b.step).map((l) => luminance(l.stroke));
    for (let i = 1; i < byStep.length; i++) expect(byStep[i]!).toBeGreaterThan(byStep[i - 1]!);
    // A colour bar (gradient legend), not 25 swatches sorted as text.
    expect(svg).toContain("Gradient legend titled 'training step' for stroke color");
    expect(svg).not.toContain("Symbol legend");
  });

  it("the tooltip gives the step, t and M(t) of the point under the cursor, never a sum over curves", async () => {
    // Two curves at t = 1 with M = 100 and 110: the wandb/line/v0 preset's tooltip showed 210.
    const results = [
      { layer: "fc1", step: 20, metrics: {}, curve: { t: [0, 1], magnitude: [1, 100] } },
      { layer: "fc1", step: 100, metrics: {}, curve: { t: [0, 1], magnitude: [1, 110] } },
    ] as unknown as StepResult[];
    const { spec, rows } = panelSpec("fc1", results);
    const { vg, view } = await render(spec);
    const text = JSON.stringify(vg);
    expect(text).not.toContain('"aggregate"');
    expect(text).not.toContain('"stack"');
    const points = marks((view.scenegraph() as unknown as { root: SceneItem }).root, "symbol").flatMap(
      (m) => m.items ?? [],
    );
    expect(points).toHaveLength(rows.length);
    const tips = points.map((p) => p.tooltip!);
    expect(tips).toContainEqual({ step: "20", t: "1", "M(t)": "100" });
    expect(tips).toContainEqual({ step: "100", t: "1", "M(t)": "110" });
    expect(tips.some((t) => Object.values(t).includes("210"))).toBe(false);
    for (const p of points) {
      expect(p.tooltip!.step).toBe(String(p.datum!.step));
      expect(Number(p.tooltip!["M(t)"])).toBe(p.datum!.magnitude);
    }
  });

  it("title and axes name the metric key; the subtitle says which steps are drawn", async () => {
    const { spec } = panelSpec(
      "encoder.block1",
      steps.slice(0, 3).map((s) => stepWithCurve("encoder.block1", s, 1)),
    );
    const { svg } = await render(spec);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect(texts).toContain(
      "magnitude/encoder.block1/curves: magnitude function M(t), one line per training step",
    );
    expect(texts).toContain("all 3 steps (table capped below 10,000 rows)");
    expect(texts).toContain("scale t (magnitude/encoder.block1/curves)");
    expect(texts).toContain("M(t) (magnitude/encoder.block1/curves)");
  });

  it("a long run's table stays below 10,000 rows: every 2^j-th step plus the last, said in the subtitle", async () => {
    // 400 steps × 30 scales = 12,000 rows: every 2nd step (200) + the last (399 is odd) = 201 curves.
    const many = Array.from({ length: 400 }, (_, i) => stepWithCurve("fc1", i * 10, 1, 30));
    const table = buildCurveTable("fc1", many)!;
    expect(table.pointer.nrows).toBe(201 * 30);
    expect(Number(table.pointer.nrows)).toBeLessThan(10_000);
    expect(table.selection).toEqual({ shown: 201, total: 400, every: 2 });
    const json = parseExtended(new TextDecoder().decode(table.bytes), "t") as { data: number[][] };
    const shown = [...new Set(json.data.map((r) => r[0]!))];
    expect(shown[0]).toBe(0);
    expect(shown.at(-1)).toBe(3990); // the last step is always drawn
    expect(shown.slice(0, 3)).toEqual([0, 20, 40]);
    const strings = curveChartStrings("magnitude/fc1/curves", table.selection);
    expect(strings.subtitle).toBe(
      "every 2nd step + the last: 201 of 400 steps (table capped below 10,000 rows)",
    );
    const { spec } = panelSpec("fc1", many);
    const { svg } = await render(spec);
    expect(lineStrokes(svg)).toHaveLength(201);
  });

  it("the kept steps only thin out as a run grows (a later table never needs a curve an earlier one dropped)", () => {
    for (const rowsPerCurve of [1, 7, 30, 64]) {
      let previous = new Set<number>();
      let previousEvery = 1;
      for (let n = 1; n <= 3000; n += 97) {
        const all = Array.from({ length: n }, (_, i) => i * 3);
        const { kept, every } = selectSteps(all, rowsPerCurve);
        expect(kept.length * rowsPerCurve).toBeLessThanOrEqual(MAX_TABLE_ROWS);
        expect(kept.at(-1)).toBe(all.at(-1));
        expect(every).toBeGreaterThanOrEqual(previousEvery);
        // Every kept step but the last was kept before too (if it existed then): nothing comes back.
        for (const s of kept.slice(0, -1))
          if (s <= Math.max(...previous, -1)) expect(previous.has(s)).toBe(true);
        previous = new Set(kept);
        previousEvery = every;
      }
    }
  });
});
