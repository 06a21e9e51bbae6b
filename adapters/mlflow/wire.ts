/**
 * MLflow REST wire types (the fields this adapter reads), after ../shared/contracts/mlflow/
 * service.proto. Servers omit empty/default fields, so nearly everything is optional. IDs are
 * strings: file-store experiment ids exceed 2^53 and must never be parsed as numbers.
 */

export interface WireTag {
  readonly key: string;
  readonly value?: string;
}

/** A metric as the server returns it: NaN arrives as the string "NaN", ±Infinity as ±1.797e308. */
export interface WireMetric {
  readonly key: string;
  readonly value?: number | string;
  readonly timestamp?: number;
  readonly step?: number;
}

export interface WireRunInfo {
  readonly run_id?: string;
  readonly run_uuid?: string;
  readonly experiment_id?: string;
  readonly run_name?: string;
  readonly status?: string;
  readonly start_time?: number;
  readonly end_time?: number;
  readonly artifact_uri?: string;
  readonly lifecycle_stage?: string;
}

export interface WireRun {
  readonly info: WireRunInfo;
  readonly data?: {
    readonly metrics?: readonly WireMetric[];
    readonly params?: readonly WireTag[];
    readonly tags?: readonly WireTag[];
  };
}

export interface WireExperiment {
  readonly experiment_id: string;
  readonly name?: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
  /** Omitted when the experiment has none (../shared/fixtures/mlflow-3.6-real §4). */
  readonly tags?: readonly WireTag[];
}

export interface WireFileInfo {
  readonly path: string;
  readonly is_dir?: boolean;
  readonly file_size?: number;
}

export interface SearchRunsRequest {
  readonly experiment_ids: readonly string[];
  readonly filter?: string;
  readonly run_view_type?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
  readonly max_results: number;
  readonly order_by?: readonly string[];
  readonly page_token?: string;
}

export interface SearchRunsResponse {
  readonly runs?: readonly WireRun[];
  readonly next_page_token?: string;
}

export interface ListArtifactsResponse {
  readonly root_uri?: string;
  readonly files?: readonly WireFileInfo[];
  readonly next_page_token?: string;
}

export interface MetricHistoryResponse {
  readonly metrics?: readonly WireMetric[];
  readonly next_page_token?: string;
}

/** A metric point to send with runs/log-batch (value may be non-finite: see mlflow-json.ts). */
export interface OutgoingMetric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface CreateRunRequest {
  readonly experiment_id: string;
  readonly run_name: string;
  readonly start_time: number;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
}

export interface LogBatchRequest {
  readonly run_id: string;
  readonly metrics?: readonly OutgoingMetric[];
  readonly params?: readonly WireTag[];
  readonly tags?: readonly { readonly key: string; readonly value: string }[];
}

/** SQL stores clamp ±Infinity to ±DBL_MAX; read it back as the infinity that was sent. */
const DBL_MAX = 1.7976931348623157e308;

/** Decode a metric value from the wire: "NaN"/"Infinity"/"-Infinity" strings, clamped infinities. */
export function decodeMetricValue(value: number | string | undefined): number {
  if (value === undefined) return 0; // proto default, omitted on the wire
  if (typeof value === "string") {
    if (value === "NaN") return Number.NaN;
    if (value === "Infinity") return Number.POSITIVE_INFINITY;
    if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
    const n = Number(value);
    return Number.isNaN(n) ? Number.NaN : n;
  }
  if (value >= DBL_MAX) return Number.POSITIVE_INFINITY;
  if (value <= -DBL_MAX) return Number.NEGATIVE_INFINITY;
  return value;
}

export function runIdOf(info: WireRunInfo): string {
  return info.run_id ?? info.run_uuid ?? "";
}

export function tagsToRecord(tags: readonly WireTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) out[t.key] = t.value ?? "";
  return out;
}
