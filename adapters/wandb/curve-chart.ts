/**
 * magtrack's own W&B custom chart: a Vega-Lite spec registered once per entity with
 * createCustomChart (wandb-core core/api/graphql/mutation_create_custom_chart.graphql, called by
 * wandb.Api().create_custom_chart in wandb/apis/public/api.py with spec_type "vega2" and access
 * upper-cased, "PRIVATE"), then used by each layer's panel exactly as wandb.plot_table uses a
 * chart id (wandb/plot/custom_chart.py CustomChartSpec.config_value: panelDefId = the chart id,
 * fieldSettings fill `${field:NAME}`, stringSettings fill `${string:NAME}`, data named "wandb").
 *
 * Why not the `wandb/line/v0` preset: it colours by run, so the curves of one run's steps share one
 * colour and differ only by five cycling dash patterns, its legend sorts "step 100" before
 * "step 20", and its tooltip sums the curves under the cursor. This spec instead draws
 *   - one line per training step (detail = step), stroke on a sequential scale (viridis) by the
 *     NUMERIC step, with a colour bar: early steps dark, late steps yellow;
 *   - a small point at every sampled scale carrying the tooltip: that row's step, t and M(t), each a
 *     single value (no aggregate, no stack);
 *   - the title and axis titles naming the metric key (magnitude/<layer>/curves).
 * Only Vega-Lite features present since v4 are used (no params/selections), so the W&B frontend's
 * Vega-Lite renders it whatever its version.
 */
import { createHash } from "node:crypto";
import type { ExtendedJson } from "./extended-json.js";

type JsonObject = { [key: string]: ExtendedJson };

/* biome-ignore-start lint/suspicious/noTemplateCurlyInString: W&B spec placeholders, filled by its frontend */
export const CURVE_CHART_SPEC: JsonObject = {
  $schema: "https://vega.github.io/schema/vega-lite/v4.json",
  description: "magtrack: magnitude function M(t) of one layer, one line per training step, coloured by step",
  title: { text: "${string:title}", subtitle: "${string:subtitle}" },
  width: 520,
  height: 320,
  data: { name: "wandb" },
  encoding: {
    x: { field: "${field:t}", type: "quantitative", title: "${string:xname}" },
    y: { field: "${field:magnitude}", type: "quantitative", title: "${string:yname}" },
    color: {
      field: "${field:step}",
      type: "quantitative",
      scale: { scheme: "viridis" },
      legend: { title: "${string:colorname}", type: "gradient" },
    },
  },
  layer: [
    {
      mark: { type: "line", strokeWidth: 1.5, interpolate: "linear" },
      encoding: { detail: { field: "${field:step}", type: "quantitative" } },
    },
    {
      // Hollow points: colour goes to the stroke as on the lines, so both share one colour bar.
      mark: { type: "point", filled: false, size: 16, strokeWidth: 1, opacity: 0.8 },
      encoding: {
        tooltip: [
          { field: "${field:step}", type: "quantitative", title: "step", format: "d" },
          { field: "${field:t}", type: "quantitative", title: "t", format: ".4~g" },
          { field: "${field:magnitude}", type: "quantitative", title: "M(t)", format: ".6~g" },
        ],
      },
    },
  ],
};
/* biome-ignore-end lint/suspicious/noTemplateCurlyInString: W&B spec placeholders */

/** The table columns the spec's fields read (fieldSettings of every panel). */
export const CURVE_CHART_FIELDS = { step: "step", t: "t", magnitude: "magnitude" } as const;

/** Stable JSON of the spec: the chart's name carries its hash, so a changed spec is a new chart. */
export const CURVE_CHART_SPEC_TEXT = JSON.stringify(CURVE_CHART_SPEC);
export const CURVE_CHART_NAME = `magtrack-magnitude-curves-${createHash("sha256")
  .update(CURVE_CHART_SPEC_TEXT)
  .digest("hex")
  .slice(0, 12)}`;
export const CURVE_CHART_DISPLAY_NAME = "magtrack: magnitude curves by training step";

/** How the table thinned the steps, for the subtitle (see curve-table.ts selectSteps). */
export interface StepSelection {
  /** Steps whose curve is in the table. */
  readonly shown: number;
  /** Steps of the layer in the run. */
  readonly total: number;
  /** Every `every`-th step (by position) was kept, plus the last; 1 = all. */
  readonly every: number;
}

const ordinal = (k: number) =>
  k % 10 === 1 && k % 100 !== 11
    ? `${k}st`
    : k % 10 === 2 && k % 100 !== 12
      ? `${k}nd`
      : k % 10 === 3 && k % 100 !== 13
        ? `${k}rd`
        : `${k}th`;

/** The panel's stringSettings: titles naming the metric key and saying which steps are drawn. */
export function curveChartStrings(key: string, selection: StepSelection): Record<string, string> {
  const which =
    selection.every === 1 && selection.shown === selection.total
      ? `all ${selection.total} steps`
      : `every ${ordinal(selection.every)} step + the last: ${selection.shown} of ${selection.total} steps`;
  return {
    title: `${key}: magnitude function M(t), one line per training step`,
    subtitle: `${which} (table capped below 10,000 rows)`,
    xname: `scale t (${key})`,
    yname: `M(t) (${key})`,
    colorname: "training step",
  };
}
