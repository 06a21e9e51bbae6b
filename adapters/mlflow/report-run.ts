/**
 * The experiment's report run: a run magtrack creates once per experiment to hold the cross-run
 * report (index.html, SVGs, the correlation table), tagged magtrack.kind=report so users (search
 * `tags.magtrack.kind = 'report'`) and magtrack tell it apart; listRuns skips it, so sync never
 * treats it as a training run. It holds no metrics (they would clutter the experiment's charts).
 * Re-running finds it again (the earliest-started one if a race made two) and overwrites its files
 * through the artifact proxy; the run description (mlflow.note.content) carries the verdict.
 * Training runs are never written here.
 */
import {
  type ExperimentReport,
  type ExperimentReportLocation,
  MagtrackError,
  REPORT_KIND_TAG,
  REPORT_KIND_VALUE,
} from "../../src/adapter-kit.js";
import { joinArtifactPath, proxyRootOf } from "./artifacts.js";
import type { MlflowClient } from "./client.js";
import { checkedTagValue, LOGGED_ARTIFACTS_TAG } from "./tags.js";
import { runIdOf, type WireExperiment, type WireRun } from "./wire.js";

export const REPORT_RUN_NAME = "magtrack-report";
/** The MLflow UI shows this tag as the run's description. */
const NOTE_TAG = "mlflow.note.content";

export function isReportRun(tags: Readonly<Record<string, string>> | undefined): boolean {
  return tags?.[REPORT_KIND_TAG] === REPORT_KIND_VALUE;
}

async function findReportRun(
  client: MlflowClient,
  experimentId: string,
  signal?: AbortSignal,
): Promise<WireRun | null> {
  const page = await client.searchRuns(
    {
      experiment_ids: [experimentId],
      filter: `tags.\`${REPORT_KIND_TAG}\` = '${REPORT_KIND_VALUE}'`,
      run_view_type: "ACTIVE_ONLY",
      max_results: 10,
      order_by: ["attributes.start_time ASC"],
    },
    signal,
  );
  return page.runs?.[0] ?? null;
}

export async function writeMlflowReportRun(
  client: MlflowClient,
  experiment: WireExperiment,
  report: ExperimentReport,
  baseUrl: string,
  signal?: AbortSignal,
): Promise<ExperimentReportLocation> {
  const existing = await findReportRun(client, experiment.experiment_id, signal);
  const run =
    existing ??
    (await client.createRun(
      {
        experiment_id: experiment.experiment_id,
        run_name: REPORT_RUN_NAME,
        start_time: Date.now(),
        tags: [{ key: REPORT_KIND_TAG, value: REPORT_KIND_VALUE }],
      },
      signal,
    ));
  const runId = runIdOf(run.info);
  const root = proxyRootOf(run.info.artifact_uri);
  if (root === null) {
    throw new MagtrackError(
      "tracker",
      "MLFLOW_NO_ARTIFACT_PROXY",
      `MLflow report run ${runId}: its artifact root ${run.info.artifact_uri ?? "(none)"} is not served by the artifact proxy (mlflow-artifacts:), so the report cannot be uploaded`,
    );
  }
  for (const file of report.files) {
    await client.uploadViaProxy(joinArtifactPath(root, file.path), file.body, file.contentType, signal);
  }
  const tables = report.files
    .filter((f) => f.path.endsWith(".json"))
    .map((f) => ({ path: f.path, type: "table" }));
  if (tables.length > 0) {
    await client.setTag(
      runId,
      LOGGED_ARTIFACTS_TAG,
      checkedTagValue(LOGGED_ARTIFACTS_TAG, JSON.stringify(tables)),
      signal,
    );
  }
  const note = report.summary.length > 7900 ? `${report.summary.slice(0, 7900)} …` : report.summary;
  await client.setTag(runId, NOTE_TAG, note, signal);
  if (existing === null) await client.updateRun(runId, "FINISHED", Date.now(), signal);
  const url = `${baseUrl.replace(/\/+$/, "")}/#/experiments/${experiment.experiment_id}/runs/${runId}`;
  return { location: url, filesWritten: report.files.length };
}
