/**
 * writeResults for MLflow. Metrics are append-only on the server, and a re-sent point is only
 * de-duplicated when (key, timestamp, step, value) is identical and finite (a stored NaN makes
 * the whole re-sent batch fail), so this never relies on re-sending:
 *
 *   1. read the run (tags, latest metric keys) and the history of every key it will write;
 *   2. tags first — new reference tags (an existing one is never changed; a different one is a
 *      conflict, reported before anything is written) and settings (keys added, never changed),
 *      with the settings also as params (only keys the run lacks: params are immutable);
 *   3. only the (key, step) points not already stored, via runs/log-batch, chunked so that no
 *      request exceeds 1000 metrics and no (layer, step) is split across two requests (a crash
 *      between requests leaves whole steps), with timestamp = run start_time + step so that a
 *      transport retry of the same request is absorbed by the server's de-duplication;
 *   4. charts, the curves table and the diagnostics table through the artifact proxy (none is
 *      registered in mlflow.loggedArtifacts: see docs/mlflow.md);
 *   5. read back the metrics and tags just written and fail loudly on any mismatch.
 */
import {
  isTrackerError,
  MagtrackError,
  qualifiedLayer,
  type ResultBatch,
  type RunRef,
  type StepResult,
  type WriteReport,
} from "../../src/adapter-kit.js";
import { joinArtifactPath, proxyRootOf } from "./artifacts.js";
import type { MlflowClient } from "./client.js";
import { CURVES_TABLE_PATH, encodeCurvesTable } from "./curves-table.js";
import { DIAGNOSTIC_METRICS, DIAGNOSTICS_TABLE_PATH, encodeDiagnosticsTable } from "./diagnostics.js";
import { latestByStep, readHistories, sameMetricValue } from "./history.js";
import { mlflowMetricKey, sanitizeArtifactPath } from "./keys.js";
import { missingParams } from "./params.js";
import { referencesOf } from "./state.js";
import {
  decodeSettings,
  encodeReference,
  mergeSettings,
  referenceTagKey,
  SETTINGS_TAG,
  sameReference,
} from "./tags.js";
import { type OutgoingMetric, runIdOf, tagsToRecord, type WireRun } from "./wire.js";

/** Server limits for runs/log-batch (../shared/TRACKERS.md). */
export const MAX_BATCH_METRICS = 1000;
export const MAX_BATCH_TAGS = 100;
export const MAX_BATCH_ITEMS = 1000;

export type ArtifactMode = "auto" | "require" | "off";

export interface WriteOptions {
  readonly artifacts: ArtifactMode;
  readonly warn: (message: string) => void;
}

interface StepPoints {
  readonly layer: string;
  readonly step: number;
  readonly points: OutgoingMetric[];
}

/** Greedy packing of whole steps into requests of ≤ maxMetrics points. */
export function chunkSteps(steps: readonly StepPoints[], maxMetrics = MAX_BATCH_METRICS): OutgoingMetric[][] {
  const chunks: OutgoingMetric[][] = [];
  let current: OutgoingMetric[] = [];
  for (const s of steps) {
    if (s.points.length > maxMetrics) {
      // A single step with more metrics than a request holds: split it (cannot be atomic).
      for (let i = 0; i < s.points.length; i += maxMetrics) chunks.push(s.points.slice(i, i + maxMetrics));
      continue;
    }
    if (current.length + s.points.length > maxMetrics) {
      chunks.push(current);
      current = [];
    }
    current.push(...s.points);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function chunkTags<T>(tags: readonly T[], max = MAX_BATCH_TAGS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < tags.length; i += max) out.push(tags.slice(i, i + max));
  return out;
}

function contentTypeOf(path: string, given: string): string {
  if (given) return given;
  return path.endsWith(".svg")
    ? "image/svg+xml"
    : path.endsWith(".json")
      ? "application/json"
      : "application/octet-stream";
}

export async function writeRunResults(
  client: MlflowClient,
  runRef: RunRef,
  batch: ResultBatch,
  options: WriteOptions,
  signal?: AbortSignal,
): Promise<WriteReport> {
  const run = await client.getRun(runRef.id, signal);
  if (run === null || run.info.lifecycle_stage === "deleted") {
    throw new MagtrackError(
      "tracker",
      "MLFLOW_RUN_NOT_FOUND",
      `MLflow run ${runRef.id} does not exist or is deleted; nothing written`,
    );
  }
  const runId = runIdOf(run.info);
  const tags = tagsToRecord(run.data?.tags);
  const root = proxyRootOf(run.info.artifact_uri);
  if (options.artifacts === "require" && root === null && batch.charts.length > 0) {
    throw new MagtrackError(
      "config",
      "MLFLOW_NO_ARTIFACT_PROXY",
      `MLflow run ${runId}: artifact root ${run.info.artifact_uri} is not served by the artifact proxy (start the server with --serve-artifacts), so charts cannot be uploaded`,
    );
  }

  // 2. Tags (validated before anything is written).
  const existingRefs = referencesOf(run);
  const tagWrites: { key: string; value: string }[] = [];
  for (const ref of batch.newReferences) {
    const have = existingRefs[ref.layer];
    if (have !== undefined) {
      if (!sameReference(have, ref)) {
        throw new MagtrackError(
          "tracker",
          "MLFLOW_REFERENCE_CONFLICT",
          `MLflow run ${runId}: layer "${ref.layer}" already has reference T=${have.T} (${have.source}); refusing to replace it with T=${ref.T}`,
        );
      }
      continue;
    }
    tagWrites.push({ key: referenceTagKey(ref.layer), value: encodeReference(ref) });
  }
  const storedSettings = decodeSettings(tags[SETTINGS_TAG], runId);
  const settingsValue = mergeSettings(storedSettings, batch.settings);
  if (settingsValue !== null) tagWrites.push({ key: SETTINGS_TAG, value: settingsValue });
  // The run's settings (the tag's, plus keys it lacked) as params; keys already there are left.
  const paramWrites = missingParams({ ...batch.settings, ...(storedSettings ?? {}) }, run.data?.params);

  // Order matters for crash safety. The metric points are what marks a (layer, step) done, so they
  // go last: tags (references, settings) → charts, curves table, loggedArtifacts → metrics. A crash
  // before the metrics leaves the steps undone; the next sync recomputes them (same values) and
  // uploads the charts again, so the charts can never be left behind the metrics.
  const plan = await planMetrics(client, run, batch.results, signal);
  for (const chunk of chunkTags(tagWrites)) await client.logBatch({ run_id: runId, tags: chunk }, signal);
  for (const chunk of chunkTags(paramWrites)) await client.logBatch({ run_id: runId, params: chunk }, signal);

  // Artifacts.
  let filesWritten = 0;
  const table = encodeCurvesTable(batch.allResults);
  const hasDiagnostics = batch.allResults.some((r) =>
    Object.keys(r.metrics).some((k) => DIAGNOSTIC_METRICS.has(k)),
  );
  if (options.artifacts !== "off" && (batch.charts.length > 0 || table !== null || hasDiagnostics)) {
    if (root === null) {
      options.warn(
        `MLflow run ${runId}: artifact root ${run.info.artifact_uri} is not behind the artifact proxy; charts and the curves table were not uploaded (metrics and tags were written)`,
      );
    } else {
      const layers = [
        ...new Set([...Object.keys(batch.references), ...batch.allResults.map((r) => r.layer)]),
      ];
      for (const chart of batch.charts) {
        const path = sanitizeArtifactPath(chart.path, layers);
        await client.uploadViaProxy(
          joinArtifactPath(root, path),
          chart.body,
          contentTypeOf(path, chart.contentType),
          signal,
        );
        filesWritten++;
      }
      if (table !== null) {
        await client.uploadViaProxy(
          joinArtifactPath(root, CURVES_TABLE_PATH),
          table,
          "application/json",
          signal,
        );
        filesWritten++;
      }
      const diagnostics = encodeDiagnosticsTable(batch.allResults);
      if (diagnostics !== null) {
        await client.uploadViaProxy(
          joinArtifactPath(root, DIAGNOSTICS_TABLE_PATH),
          diagnostics,
          "application/json",
          signal,
        );
        filesWritten++;
      }
    }
  }

  // Points not yet stored (the commit point).
  for (const chunk of chunkSteps(plan.steps)) await sendMetrics(client, runId, chunk, signal);

  // Read back.
  await verifyWritten(client, runId, plan.steps, tagWrites, paramWrites, signal);
  const metricsWritten = plan.steps.reduce((n, s) => n + s.points.length, 0);
  return { metricsWritten, filesWritten, skippedExisting: plan.skipped };
}

async function planMetrics(
  client: MlflowClient,
  run: WireRun,
  results: readonly StepResult[],
  signal?: AbortSignal,
): Promise<{ steps: StepPoints[]; skipped: number }> {
  const runId = runIdOf(run.info);
  const start = run.info.start_time ?? 0;
  const existingKeys = new Set((run.data?.metrics ?? []).map((m) => m.key));
  const wanted = new Set<string>();
  for (const r of results)
    for (const name of Object.keys(r.metrics)) wanted.add(mlflowMetricKey(r.layer, name, r.family));
  const histories = await readHistories(
    client,
    runId,
    [...wanted].filter((k) => existingKeys.has(k)).sort(),
    signal,
  );
  const stored = new Map([...histories].map(([k, h]) => [k, latestByStep(h)]));

  let skipped = 0;
  const steps: StepPoints[] = [];
  const sorted = [...results].sort((a, b) =>
    qualifiedLayer(a) < qualifiedLayer(b) ? -1 : qualifiedLayer(a) > qualifiedLayer(b) ? 1 : a.step - b.step,
  );
  for (const r of sorted) {
    if (!Number.isSafeInteger(r.step) || r.step < 0) {
      throw new MagtrackError(
        "input",
        "MLFLOW_BAD_STEP",
        `layer "${r.layer}": step ${r.step} is not a non-negative integer`,
      );
    }
    const points: OutgoingMetric[] = [];
    for (const name of Object.keys(r.metrics).sort()) {
      const key = mlflowMetricKey(r.layer, name, r.family);
      // Diagnostics go to the diagnostics table; a series an older sync started is continued.
      if (DIAGNOSTIC_METRICS.has(name) && !existingKeys.has(key)) continue;
      if (stored.get(key)?.has(r.step)) {
        skipped++;
        continue;
      }
      // Deterministic timestamp: the same point always carries the same (key, timestamp, step, value).
      points.push({ key, value: r.metrics[name]!, timestamp: start + r.step, step: r.step });
    }
    if (points.length > 0) steps.push({ layer: qualifiedLayer(r), step: r.step, points });
  }
  return { steps, skipped };
}

/**
 * One log-batch request. If it fails with a 400 after the transport retried it, an earlier
 * attempt may have been stored (response lost) and the retry tripped over its own NaN points
 * (UNIQUE constraint): read back, and send once more only what is still missing.
 */
async function sendMetrics(
  client: MlflowClient,
  runId: string,
  chunk: OutgoingMetric[],
  signal?: AbortSignal,
) {
  try {
    await client.logBatch({ run_id: runId, metrics: chunk }, signal);
  } catch (error) {
    if (!(isTrackerError(error) && error.status === 400 && error.attempts > 1)) throw error;
    const keys = [...new Set(chunk.map((m) => m.key))].sort();
    const stored = new Map(
      [...(await readHistories(client, runId, keys, signal))].map(([k, h]) => [k, latestByStep(h)]),
    );
    const missing = chunk.filter((m) => !stored.get(m.key)?.has(m.step));
    if (missing.length === chunk.length) throw error; // nothing of ours landed: the 400 is real
    if (missing.length > 0) await client.logBatch({ run_id: runId, metrics: missing }, signal);
  }
}

async function verifyWritten(
  client: MlflowClient,
  runId: string,
  steps: readonly StepPoints[],
  tagWrites: readonly { key: string; value: string }[],
  paramWrites: readonly { key: string; value: string }[],
  signal?: AbortSignal,
): Promise<void> {
  const problems: string[] = [];
  const sent = steps.flatMap((s) => s.points);
  if (sent.length > 0) {
    const keys = [...new Set(sent.map((m) => m.key))].sort();
    const stored = new Map(
      [...(await readHistories(client, runId, keys, signal))].map(([k, h]) => [k, latestByStep(h)]),
    );
    for (const m of sent) {
      const got = stored.get(m.key)?.get(m.step);
      if (got === undefined) problems.push(`${m.key}@${m.step} missing`);
      else if (!sameMetricValue(m.value, got)) problems.push(`${m.key}@${m.step} is ${got}, sent ${m.value}`);
    }
  }
  if (tagWrites.length > 0 || paramWrites.length > 0) {
    const run = await client.getRun(runId, signal);
    const tags = tagsToRecord(run?.data?.tags);
    for (const t of tagWrites) if (tags[t.key] !== t.value) problems.push(`tag ${t.key} differs`);
    const params = tagsToRecord(run?.data?.params);
    for (const p of paramWrites) if (params[p.key] !== p.value) problems.push(`param ${p.key} differs`);
  }
  if (problems.length > 0) {
    throw new MagtrackError(
      "tracker",
      "MLFLOW_READBACK_MISMATCH",
      `MLflow run ${runId}: read-back after writing does not match (${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` and ${problems.length - 5} more` : ""})`,
    );
  }
}
