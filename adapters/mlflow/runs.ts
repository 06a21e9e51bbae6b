/**
 * Run discovery: RunFilter → runs/search filter string, and MLflow runs → RunRef.
 * What the server can filter it filters (start time, tags, run ids, one status); the rest
 * (several statuses, display names) is checked again client-side, so the result is exact either way.
 */
import { MagtrackError, type RunFilter, type RunRef, type RunStatus } from "../../src/adapter-kit.js";
import { runIdOf, tagsToRecord, type WireRun } from "./wire.js";

const TO_MLFLOW_STATUS: Partial<Record<RunStatus, string>> = {
  running: "RUNNING",
  finished: "FINISHED",
  failed: "FAILED",
  killed: "KILLED",
  scheduled: "SCHEDULED",
};

export function runStatusOf(status: string | undefined): RunStatus {
  switch (status) {
    case "RUNNING":
      return "running";
    case "FINISHED":
      return "finished";
    case "FAILED":
      return "failed";
    case "KILLED":
      return "killed";
    case "SCHEDULED":
      return "scheduled";
    default:
      return "unknown";
  }
}

/** A single-quoted MLflow search string; quotes inside values are refused (no escape is documented). */
function quote(value: string, what: string): string {
  if (value.includes("'") || /[\r\n]/.test(value)) {
    throw new MagtrackError(
      "usage",
      "MLFLOW_BAD_FILTER",
      `${what} "${value}" cannot be used in an MLflow filter (contains a quote or newline)`,
    );
  }
  return `'${value}'`;
}

/** Tag keys are backquoted so dots and spaces are allowed: tags.`mlflow.runName`. */
function tagKey(key: string): string {
  if (key.includes("`")) {
    throw new MagtrackError(
      "usage",
      "MLFLOW_BAD_FILTER",
      `tag key "${key}" cannot be used in an MLflow filter (contains a backquote)`,
    );
  }
  return `tags.\`${key}\``;
}

const RUN_UUID = /^[0-9a-f]{32}$/;

export function buildSearchFilter(filter: RunFilter): string | undefined {
  const clauses: string[] = [];
  if (filter.since !== undefined) clauses.push(`attributes.start_time >= ${Math.floor(filter.since)}`);
  if (filter.until !== undefined) clauses.push(`attributes.start_time < ${Math.ceil(filter.until)}`);
  for (const [k, v] of Object.entries(filter.tags ?? {}))
    clauses.push(`${tagKey(k)} = ${quote(v, `tag value for ${k}`)}`);
  // Only when every entry is a run id can the server narrow by id (names are matched client-side).
  if (filter.runs && filter.runs.length > 0 && filter.runs.every((r) => RUN_UUID.test(r))) {
    clauses.push(`attributes.run_id IN (${filter.runs.map((r) => quote(r, "run id")).join(", ")})`);
  }
  const statuses = filter.statuses?.map((s) => TO_MLFLOW_STATUS[s]).filter((s) => s !== undefined) ?? [];
  if (filter.statuses?.length === 1 && statuses.length === 1)
    clauses.push(`attributes.status = ${quote(statuses[0]!, "status")}`);
  return clauses.length === 0 ? undefined : clauses.join(" and ");
}

export function runRefOf(run: WireRun): RunRef {
  const info = run.info;
  return {
    id: runIdOf(info),
    ...(info.run_name ? { displayName: info.run_name } : {}),
    ...(info.experiment_id !== undefined ? { container: info.experiment_id } : {}),
    status: runStatusOf(info.status),
    ...(info.start_time !== undefined ? { startTime: info.start_time } : {}),
    ...(info.end_time !== undefined ? { updatedTime: info.end_time } : {}),
    tags: tagsToRecord(run.data?.tags),
    extra: { artifactUri: info.artifact_uri, experimentId: info.experiment_id },
  };
}

/** The exact filter, client-side (the server filter may be a superset). */
export function matchesRunFilter(run: RunRef, filter: RunFilter): boolean {
  if (
    filter.runs &&
    !filter.runs.includes(run.id) &&
    !(run.displayName !== undefined && filter.runs.includes(run.displayName))
  ) {
    return false;
  }
  const t = run.startTime ?? 0;
  if (filter.since !== undefined && t < filter.since) return false;
  if (filter.until !== undefined && t >= filter.until) return false;
  if (filter.statuses && !filter.statuses.includes(run.status)) return false;
  for (const [k, v] of Object.entries(filter.tags ?? {})) if (run.tags?.[k] !== v) return false;
  return true;
}
