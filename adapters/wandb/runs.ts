/**
 * Listing a project's runs: query Runs with the `filters` JSONString the official client sends
 * (MongoDB-style, e.g. {"$and": [{"state": {"$in": ["finished"]}}, {"createdAt": {"$gte": "…"}}]}),
 * cursor pagination on pageInfo.endCursor / hasNextPage. The same filter is re-applied to every
 * run received, so a server that interprets a clause more loosely never widens the result.
 */
import type { RunFilter, RunRef, RunStatus } from "../../src/adapter-kit.js";
import { MagtrackError } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { RUNS } from "./documents.js";
import { parseObject } from "./extended-json.js";
import { isReportRunConfig, magtrackKindOf } from "./report-run.js";
import { companionOfConfig, pendingSessionOf } from "./run-config.js";
import { snapshotOf } from "./run-snapshot.js";
import { SCALE_KIND_VALUE } from "./scale-run.js";

export interface WandbRunNode {
  id: string;
  name: string;
  displayName?: string | null;
  group?: string | null;
  state?: string | null;
  createdAt?: string | null;
  heartbeatAt?: string | null;
  tags?: string[] | null;
  config?: string | null;
  summaryMetrics?: string | null;
  historyLineCount?: number | null;
  historyKeys?: unknown;
}

interface RunsPage {
  project: {
    runs: {
      edges: { node: WandbRunNode; cursor: string }[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
    } | null;
  } | null;
}

const STATES: Readonly<Record<string, RunStatus>> = {
  running: "running",
  finished: "finished",
  failed: "failed",
  crashed: "crashed",
  killed: "killed",
  pending: "scheduled",
  preempted: "crashed",
  preempting: "running",
};

export function runStatusOf(state: string | null | undefined): RunStatus {
  return (state && STATES[state]) || "unknown";
}

/** W&B timestamps are UTC without a zone ("2026-01-03T00:00:00"); some servers add "Z". */
export function parseWandbTime(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** ISO UTC without zone or milliseconds, as the W&B runs filter compares createdAt. */
function wandbTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "");
}

/**
 * RunFilter.tags {k: v}: W&B tags are plain labels, so {k: "true"} or {k: ""} means "has tag k"
 * and {k: v} means "has tag `k:v`". RunRef.tags maps each label to "true" (the same convention).
 */
export function tagLabels(tags: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(tags ?? {}).map(([k, v]) => (v === "" || v === "true" ? k : `${k}:${v}`));
}

const REVERSE_STATES: Readonly<Record<RunStatus, readonly string[]>> = {
  running: ["running", "preempting"],
  finished: ["finished"],
  failed: ["failed"],
  crashed: ["crashed", "preempted"],
  killed: ["killed"],
  scheduled: ["pending"],
  unknown: [],
};

export function buildRunsFilter(filter: RunFilter): Record<string, unknown> | null {
  const clauses: Record<string, unknown>[] = [];
  if (filter.runs && filter.runs.length > 0) {
    clauses.push({ $or: [{ name: { $in: [...filter.runs] } }, { displayName: { $in: [...filter.runs] } }] });
  }
  if (filter.statuses && filter.statuses.length > 0) {
    clauses.push({ state: { $in: filter.statuses.flatMap((s) => REVERSE_STATES[s]) } });
  }
  for (const label of tagLabels(filter.tags)) clauses.push({ tags: { $in: [label] } });
  // $gte on a seconds-truncated time can only widen the match; the exact bound is re-checked locally.
  if (filter.since !== undefined) clauses.push({ createdAt: { $gte: wandbTime(filter.since - 999) } });
  if (filter.until !== undefined) clauses.push({ createdAt: { $lt: wandbTime(filter.until + 999) } });
  if (clauses.length === 0) return null;
  return clauses.length === 1 ? clauses[0]! : { $and: clauses };
}

export function runRefOf(node: WandbRunNode, entity: string, project: string): RunRef {
  const startTime = parseWandbTime(node.createdAt);
  const updatedTime = parseWandbTime(node.heartbeatAt);
  const tags = Object.fromEntries((node.tags ?? []).map((t) => [t, "true"]));
  const where = `W&B run ${entity}/${project}/${node.name}`;
  const snapshot = snapshotOf(node, where);
  const config = snapshot?.config ?? parseObject(node.config ?? null, `${where} config`);
  const pending = pendingSessionOf(config);
  const companionOf = companionOfConfig(config);
  return {
    id: node.name,
    ...(node.displayName ? { displayName: node.displayName } : {}),
    container: `${entity}/${project}`,
    status: runStatusOf(node.state),
    ...(startTime !== undefined ? { startTime } : {}),
    ...(updatedTime !== undefined ? { updatedTime } : {}),
    tags,
    extra: {
      storageId: node.id,
      state: node.state ?? null,
      ...(node.group ? { group: node.group } : {}),
      ...(companionOf !== undefined ? { companionOf } : {}),
      ...(isReportRunConfig(config) ? { reportRun: true } : {}),
      ...(magtrackKindOf(config) === SCALE_KIND_VALUE ? { scaleRun: true } : {}),
      ...(pending ? { pendingSession: pending } : {}),
      ...(snapshot ? { snapshot } : {}),
    },
  };
}

export function matchesRunFilter(run: RunRef, filter: RunFilter): boolean {
  if (filter.runs && !filter.runs.includes(run.id) && !filter.runs.includes(run.displayName ?? "\u0000")) {
    return false;
  }
  const t = run.startTime;
  if (filter.since !== undefined && (t === undefined || t < filter.since)) return false;
  if (filter.until !== undefined && (t === undefined || t >= filter.until)) return false;
  if (filter.statuses && !filter.statuses.includes(run.status)) return false;
  for (const label of tagLabels(filter.tags)) if (run.tags?.[label] !== "true") return false;
  return true;
}

export async function* listRuns(
  api: WandbApi,
  entity: string,
  project: string,
  filter: RunFilter,
  signal?: AbortSignal,
): AsyncIterable<RunRef> {
  const filters = buildRunsFilter(filter);
  const perPage = Math.max(1, Math.min(filter.pageSize ?? 50, 1000));
  let cursor: string | null = null;
  const seen = new Set<string>();
  for (let page = 0; ; page++) {
    signal?.throwIfAborted();
    const data: RunsPage = await api.graphql<RunsPage>(
      RUNS,
      {
        entity,
        project,
        cursor,
        perPage,
        order: "+created_at",
        ...(filters ? { filters: JSON.stringify(filters) } : {}),
      },
      signal,
    );
    if (!data.project) {
      throw new MagtrackError(
        "config",
        "WANDB_NO_PROJECT",
        `W&B project ${entity}/${project} not found (or no access)`,
      );
    }
    const runs = data.project.runs;
    for (const edge of runs?.edges ?? []) {
      if (seen.has(edge.node.name)) continue; // a run moving between pages is listed once
      seen.add(edge.node.name);
      const ref = runRefOf(edge.node, entity, project);
      // magtrack's own companion runs (docs/wandb-live.md) hold results, not activations.
      if (ref.extra?.companionOf !== undefined) continue;
      // magtrack's report run (report-run.ts) holds the cross-run report, not a training run.
      if (ref.extra?.reportRun === true) continue;
      // magtrack's scale run (scale-run.ts) holds the experiment's T per layer.
      if (ref.extra?.scaleRun === true) continue;
      if (matchesRunFilter(ref, filter)) yield ref;
    }
    const next = runs?.pageInfo;
    if (!next?.hasNextPage || !next.endCursor || next.endCursor === cursor) return;
    cursor = next.endCursor;
    if (page > 1_000_000) return;
  }
}
