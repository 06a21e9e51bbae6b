/**
 * The run config W&B stores: {"<key>": {"value": …, "desc": …}, "_wandb": {"value": {"t": …, "m": […],
 * "visualize": {…}, "viz": {…}, …}}}. upsertBucket REPLACES the whole config, so every write is
 * read → merge → write, and the merge only ever adds or updates magtrack's own entries:
 *   _wandb.value.m            define_metric records (MetricRecord, keys = protobuf field numbers)
 *   _wandb.value.visualize.K  one custom chart panel per layer (K = magnitude/<layer>/curves)
 *   magtrack.value            references (T per layer), settings, history start hint, pending session,
 *                             the no-op fingerprint (synced)
 * Everything else (the user's keys, _wandb.t, viz, other panels, desc fields) is copied untouched.
 */
import type { LayerReference, ResultFamily } from "../../src/adapter-kit.js";
import { CURVE_CHART_FIELDS } from "./curve-chart.js";
import { cloneJson, type ExtendedJson, isJsonObject } from "./extended-json.js";
import { readFingerprint, type SyncFingerprint } from "./sync-fingerprint.js";

export type Json = ExtendedJson;
type JsonObject = { [key: string]: Json };

export const STEP_METRIC = "magnitude/step";
export const METRIC_GLOB = "magnitude/*";
export const MAGTRACK_CONFIG_KEY = "magtrack";

/** What magtrack keeps in config under magtrack.value. */
export interface MagtrackConfig {
  readonly references: Record<string, LayerReference>;
  readonly settings?: Record<string, string>;
  /** `_step` of the first history row magtrack appended (all its rows are at or after it). */
  readonly historyStart?: number;
  /** Set while a write session is open: the state to restore when a crashed session is finished. */
  readonly pending?: { readonly state: string; readonly startedAt: string };
  /** What the run looked like after the last session that covered every listed file (sync-fingerprint.ts). */
  readonly synced?: SyncFingerprint;
}

/** An object (not an array, not a lossless number). Copies keep lossless numbers and key order. */
const isObject = isJsonObject;

export function wandbBlock(config: JsonObject): JsonObject {
  const w = config._wandb;
  return isObject(w) && isObject(w.value) ? w.value : {};
}

export function readMagtrackConfig(config: JsonObject): MagtrackConfig {
  const entry = config[MAGTRACK_CONFIG_KEY];
  const v = isObject(entry) && isObject(entry.value) ? entry.value : {};
  const references: Record<string, LayerReference> = {};
  if (isObject(v.references)) {
    for (const [layer, r] of Object.entries(v.references)) {
      if (!isObject(r) || typeof r.T !== "number") continue;
      references[layer] = {
        layer,
        T: r.T,
        step: typeof r.step === "number" ? r.step : null,
        source: typeof r.source === "string" ? r.source : "",
        // absent in references written before W&B had an experiment scale (then per run)
        ...(r.scale === "experiment" || r.scale === "run" || r.scale === "pinned" ? { scale: r.scale } : {}),
        ...(typeof r.scaleRun === "string" ? { scaleRun: r.scaleRun } : {}),
        ...(typeof r.scaleStep === "number" && Number.isSafeInteger(r.scaleStep)
          ? { scaleStep: r.scaleStep }
          : {}),
      };
    }
  }
  const settings = isObject(v.settings)
    ? Object.fromEntries(
        Object.entries(v.settings).filter((e): e is [string, string] => typeof e[1] === "string"),
      )
    : undefined;
  const pending =
    isObject(v.pending) && typeof v.pending.state === "string"
      ? { state: v.pending.state, startedAt: String(v.pending.startedAt ?? "") }
      : undefined;
  const synced = readFingerprint(v.synced);
  return {
    references,
    ...(synced ? { synced } : {}),
    ...(settings ? { settings } : {}),
    ...(typeof v.historyStart === "number" ? { historyStart: v.historyStart } : {}),
    ...(pending ? { pending } : {}),
  };
}

/** A companion run's training run id (magtrack.companion_of, docs/wandb-live.md); undefined for other runs. */
export function companionOfConfig(config: JsonObject): string | undefined {
  const entry = config[MAGTRACK_CONFIG_KEY];
  const v = isObject(entry) && isObject(entry.value) ? entry.value : {};
  return typeof v.companion_of === "string" ? v.companion_of : undefined;
}

export function pendingSessionOf(config: JsonObject): { state: string; startedAt: string } | undefined {
  return readMagtrackConfig(config).pending;
}

/**
 * define_metric("magnitude/step"); define_metric("magnitude/*", step_metric="magnitude/step"),
 * encoded as wandb-core does (corelib.ProtoEncodeToDict of MetricRecord): "1" name, "2" glob_name,
 * "5" step_metric_index (1-based index of the step metric's own entry), "6" MetricOptions as the
 * list of its true bool fields (1 step_sync, 3 defined), "7" MetricSummary (none set).
 * Existing entries (the user's define_metric calls) keep their positions, so their indexes stay valid.
 */
export function mergeMetricDefinitions(
  existing: Json | undefined,
  families: readonly ResultFamily[] = [],
): Json[] {
  const m: Json[] = Array.isArray(existing) ? cloneJson(existing) : [];
  let stepIndex = m.findIndex((e) => isObject(e) && e["1"] === STEP_METRIC);
  if (stepIndex < 0) {
    m.push({ "1": STEP_METRIC, "6": [3], "7": [] });
    stepIndex = m.length - 1;
  }
  // magnitude/* always (as before); trajectory/* and reptraj/* once a batch holds such results.
  const globs = [METRIC_GLOB, ...families.filter((f) => f !== "magnitude").map((f) => `${f}/*`)];
  for (const glob of globs) {
    if (!m.some((e) => isObject(e) && e["2"] === glob)) {
      m.push({ "2": glob, "5": stepIndex + 1, "6": [1, 3], "7": [] });
    }
  }
  return m;
}

/** Custom chart key per layer; its table lives in the summary under `${key}_table`. */
export const chartKey = (layer: string) => `magnitude/${layer}/curves`;
export const tableKey = (layer: string) => `${chartKey(layer)}_table`;

/**
 * The panel config the Python SDK writes for wandb.plot_table(<chart id>, table, fields, strings)
 * (wandb/plot/custom_chart.py CustomChartSpec.config_value): a Vega2 panel whose query reads the
 * run's summary table, here with magtrack's own chart (curve-chart.ts) as panelDefId.
 */
export function curvePanel(layer: string, chartId: string, strings: Record<string, string>): JsonObject {
  return {
    panel_type: "Vega2",
    panel_config: {
      panelDefId: chartId,
      fieldSettings: { ...CURVE_CHART_FIELDS },
      stringSettings: { ...strings },
      transform: { name: "tableWithLeafColNames" },
      userQuery: {
        queryFields: [
          {
            name: "runSets",
            // A literal "${runSets}": the panel's own variable, substituted by the W&B frontend.
            // biome-ignore lint/suspicious/noTemplateCurlyInString: literal W&B panel placeholder
            args: [{ name: "runSets", value: "${runSets}" }],
            fields: [
              { name: "id", fields: [] },
              { name: "name", fields: [] },
              { name: "_defaultColorIndex", fields: [] },
              { name: "summaryTable", args: [{ name: "tableKey", value: tableKey(layer) }], fields: [] },
            ],
          },
        ],
      },
    },
  };
}

export interface ConfigUpdate {
  readonly newReferences: readonly LayerReference[];
  readonly settings: Readonly<Record<string, string>>;
  /** Custom chart panels by chart key (magtrack's own keys: set or replaced whole). */
  readonly panels: Readonly<Record<string, JsonObject>>;
  readonly historyStart?: number;
  /** Result families in the batch: each gets its glob charted against magnitude/step (default none new). */
  readonly families?: readonly ResultFamily[];
  /** Set (open a session) or remove (null) the pending marker; undefined leaves it as it is. */
  readonly pending?: { readonly state: string; readonly startedAt: string } | null;
  /** Set or remove (null) the no-op fingerprint; undefined leaves it as it is. */
  readonly synced?: SyncFingerprint | null;
  /**
   * Entries of magtrack.value set whole (the live companion's links, docs/wandb-live.md:
   * `companion_of`, `companion` on a companion; `live_companion` on a training run).
   */
  readonly links?: Readonly<Record<string, Json>>;
}

/** The merged config: a deep copy of `current` with magtrack's entries added. */
export function mergeConfig(current: JsonObject, update: ConfigUpdate): JsonObject {
  const next = cloneJson(current);
  const wandbEntry = isObject(next._wandb) ? next._wandb : {};
  const block = isObject(wandbEntry.value) ? wandbEntry.value : {};
  block.m = mergeMetricDefinitions(block.m, update.families);
  const visualize = isObject(block.visualize) ? block.visualize : {};
  for (const [key, panel] of Object.entries(update.panels)) visualize[key] = cloneJson(panel);
  block.visualize = visualize;
  wandbEntry.value = block;
  next._wandb = wandbEntry;

  const entry = isObject(next[MAGTRACK_CONFIG_KEY]) ? (next[MAGTRACK_CONFIG_KEY] as JsonObject) : {};
  const value = isObject(entry.value) ? entry.value : {};
  const references = isObject(value.references) ? value.references : {};
  // A layer's reference is fixed once: an existing one is never replaced.
  for (const r of update.newReferences) {
    if (!isObject(references[r.layer])) {
      references[r.layer] = {
        T: r.T,
        step: r.step,
        source: r.source,
        // which scale T is (docs/scale.md), as MLflow's reference tag keeps it
        ...(r.scale !== undefined ? { scale: r.scale } : {}),
        ...(r.scaleRun !== undefined ? { scaleRun: r.scaleRun } : {}),
        ...(r.scaleStep !== undefined ? { scaleStep: r.scaleStep } : {}),
      };
    }
  }
  value.references = references;
  if (!isObject(value.settings) && Object.keys(update.settings).length > 0)
    value.settings = { ...update.settings };
  if (typeof value.historyStart !== "number" && update.historyStart !== undefined) {
    value.historyStart = update.historyStart;
  }
  if (update.synced === null) delete value.synced;
  else if (update.synced !== undefined) value.synced = { ...update.synced };
  if (update.pending === null) delete value.pending;
  else if (update.pending !== undefined) value.pending = { ...update.pending };
  for (const [key, link] of Object.entries(update.links ?? {})) value[key] = cloneJson(link);
  entry.value = value;
  next[MAGTRACK_CONFIG_KEY] = entry;
  return next;
}
