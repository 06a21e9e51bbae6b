/**
 * readState: what magtrack already wrote into a run, read from the server each time (a cron job
 * has no disk): reference tags, settings tag, metric histories of magnitude/<layer>/<name>, and
 * the curves table artifact when it exists (so charts of earlier steps keep their curves), and the
 * diagnostics table (diagnostics.ts), whose values fill in what the metric histories lack.
 */
import {
  type LayerReference,
  MagtrackError,
  qualifiedLayer,
  type ResultFamily,
  type RunState,
  resultId,
  type StepResult,
} from "../../src/adapter-kit.js";
import { joinArtifactPath, proxyRootOf } from "./artifacts.js";
import type { MlflowClient } from "./client.js";
import { CURVES_TABLE_PATH, decodeCurvesTable } from "./curves-table.js";
import { DIAGNOSTICS_TABLE_PATH, decodeDiagnosticsTable } from "./diagnostics.js";
import { knownFailuresOf } from "./failures.js";
import { latestByStep, magnitudeKeysOf, readHistories } from "./history.js";
import { parseMetricKey, sanitizeLayer } from "./keys.js";
import { decodeReference, decodeSettings, REFERENCE_TAG_PREFIX, SETTINGS_TAG } from "./tags.js";
import { runIdOf, tagsToRecord, type WireRun } from "./wire.js";

export function referencesOf(run: WireRun): Record<string, LayerReference> {
  const tags = tagsToRecord(run.data?.tags);
  const out: Record<string, LayerReference> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(REFERENCE_TAG_PREFIX)) continue;
    const ref = decodeReference(key, value, runIdOf(run.info));
    out[ref.layer] = ref;
  }
  return out;
}

export interface ReadStateOptions {
  readonly maxTableBytes: number;
}

export async function readRunState(
  client: MlflowClient,
  run: WireRun,
  options: ReadStateOptions,
  signal?: AbortSignal,
): Promise<RunState> {
  const runId = runIdOf(run.info);
  const tags = tagsToRecord(run.data?.tags);
  const references = referencesOf(run);
  const settings = decodeSettings(tags[SETTINGS_TAG], runId);
  // Keys carry the sanitised layer; the reference tag remembers the original name.
  const originalLayer = new Map(Object.values(references).map((r) => [sanitizeLayer(r.layer), r.layer]));

  const histories = await readHistories(client, runId, magnitudeKeysOf(run), signal);
  type Entry = { family: ResultFamily; layer: string; step: number; metrics: Record<string, number> };
  const byLayerStep = new Map<string, Entry>();
  for (const [key, history] of histories) {
    const parsed = parseMetricKey(key)!;
    const layer = originalLayer.get(parsed.layer) ?? parsed.layer;
    const family = parsed.family;
    for (const [step, value] of latestByStep(history)) {
      const id = resultId({ family, layer, step });
      const entry = byLayerStep.get(id) ?? { family, layer, step, metrics: {} };
      entry.metrics[parsed.name] = value;
      byLayerStep.set(id, entry);
    }
  }

  const tables = byLayerStep.size > 0 ? await readTables(client, run, options, signal) : null;
  const written: StepResult[] = [...byLayerStep.values()]
    .sort((a, b) => (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : a.step - b.step))
    .map(({ family, ...e }) => {
      // Metric histories win over the table (a series an older sync wrote as metrics).
      const result: StepResult = family === "magnitude" ? e : { family, ...e };
      const diagnostics = tables?.diagnostics?.get(qualifiedLayer(result))?.get(e.step);
      const withDiagnostics = diagnostics ? { ...result, metrics: { ...diagnostics, ...e.metrics } } : result;
      const curve = tables?.curves?.get(e.layer)?.get(e.step);
      return curve && family === "magnitude" ? { ...withDiagnostics, curve } : withDiagnostics;
    });
  const knownFailures = knownFailuresOf(tags);
  return {
    references,
    written,
    ...(settings ? { settings } : {}),
    ...(knownFailures.length > 0 ? { knownFailures } : {}),
  };
}

/** The curves and diagnostics tables, each when the run has it behind the artifact proxy. */
async function readTables(
  client: MlflowClient,
  run: WireRun,
  options: ReadStateOptions,
  signal?: AbortSignal,
) {
  const root = proxyRootOf(run.info.artifact_uri);
  if (root === null) return null;
  const runId = runIdOf(run.info);
  // List first: a missing file behind the proxy is a 500 (retried), not a 404.
  const listing = await client.listArtifacts(runId, "magnitude", signal);
  const read = async <T>(path: string, decode: (text: string, where: string) => T): Promise<T | null> => {
    if (!listing.files.some((f) => f.path === path && !f.is_dir)) return null;
    const bytes = await client.downloadViaProxy(joinArtifactPath(root, path), options.maxTableBytes, signal);
    try {
      return decode(Buffer.from(bytes).toString("utf8"), `MLflow run ${runId} artifact ${path}`);
    } catch (error) {
      // A table edited by someone else only costs the curves / diagnostics of old steps in the charts.
      if (error instanceof MagtrackError && error.kind === "format") return null;
      throw error;
    }
  };
  return {
    curves: await read(CURVES_TABLE_PATH, decodeCurvesTable),
    diagnostics: await read(DIAGNOSTICS_TABLE_PATH, decodeDiagnosticsTable),
  };
}
