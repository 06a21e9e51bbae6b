/**
 * Finding a run's activation files: the artifacts of type `activations` the run logged
 * (outputArtifacts → each committed version's files via ArtifactMembershipFiles, alias "v<index>",
 * as Artifact.files() does), then the run's own files. Names inside an artifact are relative to
 * its root (`art.add_dir("activations")` stores `fc1/step_00000.npy`), so artifact files are
 * matched with their own pattern (default `{layer}/step_{step}.{ext}`) and run files with the run
 * pattern (default `activations/{layer}/step_{step}.{ext}`). md5 (base64, as W&B reports it) and
 * size become ActivationRef.digest/size. When the same path appears more than once, the newest
 * artifact version wins, and artifacts win over run files. What was seen but not matched is
 * counted, so a run whose files all miss the pattern can be told apart from a run without files.
 */
import type { ActivationRef, PathMatcher, RunRef } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { ARTIFACT_MEMBERSHIP_FILES, RUN_FILES, RUN_OUTPUT_ARTIFACTS } from "./documents.js";

export const ACTIVATIONS_ARTIFACT_TYPE = "activations";
/** Default pattern inside an `activations` artifact (names relative to the artifact root). */
export const DEFAULT_ARTIFACT_PATTERN = "{layer}/step_{step}.{ext}";

export interface ActivationMatchers {
  /** For files of `activations` artifacts, relative to the artifact root. */
  readonly artifact: PathMatcher;
  /** For the run's own files. */
  readonly runFile: PathMatcher;
}

/** Names listed for a run that no pattern matched (for "nothing matched" reports). */
export interface UnmatchedNames {
  artifactFiles: number;
  runFiles: number;
  /** A few unmatched names, the likeliest activation files first (see `examples`). */
  readonly samples: { name: string; where: "artifact" | "run file" }[];
}
const PAGE = 200;
const MAX_PAGES = 10_000;

interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

interface FileNode {
  name: string;
  directUrl?: string | null;
  sizeBytes?: number | string | null;
  md5?: string | null;
}

interface ArtifactNode {
  id: string;
  versionIndex?: number | null;
  state?: string | null;
  artifactType?: { name: string } | null;
  artifactSequence?: {
    name: string;
    project?: { name: string; entity?: { name: string } | null } | null;
  } | null;
}

/** Cursor pagination that stops on a repeated or missing cursor (a server bug must not loop forever). */
async function* paginate<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; pageInfo: PageInfo | null } | null>,
  signal?: AbortSignal,
): AsyncIterable<T> {
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    signal?.throwIfAborted();
    const got = await fetchPage(cursor);
    if (!got) return;
    yield* got.items;
    const info = got.pageInfo;
    if (!info?.hasNextPage || !info.endCursor || info.endCursor === cursor) return;
    cursor = info.endCursor;
  }
}

function toRef(
  run: RunRef,
  match: PathMatcher,
  file: FileNode,
  source: Record<string, unknown>,
): ActivationRef | null {
  const m = match(file.name);
  if (!m || !file.directUrl) return null;
  const size = file.sizeBytes === null || file.sizeBytes === undefined ? undefined : Number(file.sizeBytes);
  return {
    run,
    layer: m.layer,
    step: m.step,
    path: file.name,
    format: m.format,
    ...(m.family ? { family: m.family } : {}),
    ...(size !== undefined && Number.isFinite(size) ? { size } : {}),
    ...(file.md5 ? { digest: `md5:${file.md5}` } : {}),
    extra: { ...source, directUrl: file.directUrl },
  };
}

const SAMPLE_CAP = 64;

/** Two names to show: artifact files first, then files with an activation extension, then the rest. */
export function examples(unmatched: UnmatchedNames, count = 2): string[] {
  const rank = (s: { name: string; where: string }) =>
    (s.where === "artifact" ? 0 : 2) + (/\.(npy|npz|safetensors)$/i.test(s.name) ? 0 : 1);
  return [...unmatched.samples]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, count)
    .map((s) => (s.where === "artifact" ? `${s.name} (in an artifact)` : s.name));
}

export async function listActivationRefs(
  api: WandbApi,
  entity: string,
  project: string,
  run: RunRef,
  matchers: ActivationMatchers,
  signal?: AbortSignal,
  unmatched: UnmatchedNames = { artifactFiles: 0, runFiles: 0, samples: [] },
): Promise<ActivationRef[]> {
  const miss = (name: string, where: "artifact" | "run file") => {
    if (where === "artifact") unmatched.artifactFiles++;
    else unmatched.runFiles++;
    if (unmatched.samples.length < SAMPLE_CAP) unmatched.samples.push({ name, where });
  };
  const byPath = new Map<string, { ref: ActivationRef; rank: number }>();
  const offer = (ref: ActivationRef | null, rank: number) => {
    if (!ref) return;
    const prev = byPath.get(ref.path);
    if (!prev || rank > prev.rank) byPath.set(ref.path, { ref, rank });
  };

  const artifacts = paginate<ArtifactNode>(async (cursor) => {
    const data = await api.graphql<{
      project: {
        run: { artifacts: { pageInfo: PageInfo; edges: { node: ArtifactNode }[] } | null } | null;
      } | null;
    }>(RUN_OUTPUT_ARTIFACTS, { entity, project, run: run.id, cursor, perPage: PAGE }, signal);
    const conn = data.project?.run?.artifacts;
    return conn ? { items: conn.edges.map((e) => e.node), pageInfo: conn.pageInfo } : null;
  }, signal);
  for await (const a of artifacts) {
    if (a.artifactType?.name !== ACTIVATIONS_ARTIFACT_TYPE) continue;
    if (a.state && a.state !== "COMMITTED") continue; // uploads still in progress are not readable
    const seq = a.artifactSequence;
    if (!seq || a.versionIndex === null || a.versionIndex === undefined) continue;
    const owner = { entity: seq.project?.entity?.name ?? entity, project: seq.project?.name ?? project };
    const alias = `v${a.versionIndex}`;
    const files = paginate<FileNode>(async (cursor) => {
      const data = await api.graphql<{
        project: {
          artifactCollection: {
            artifactMembership: { files: { pageInfo: PageInfo; edges: { node: FileNode }[] } | null } | null;
          } | null;
        } | null;
      }>(ARTIFACT_MEMBERSHIP_FILES, { ...owner, collection: seq.name, alias, cursor, perPage: PAGE }, signal);
      const conn = data.project?.artifactCollection?.artifactMembership?.files;
      return conn ? { items: conn.edges.map((e) => e.node), pageInfo: conn.pageInfo } : null;
    }, signal);
    for await (const f of files) {
      // rank: artifacts above run files (0), newer versions above older ones.
      const ref = toRef(run, matchers.artifact, f, {
        source: "artifact",
        ...owner,
        collection: seq.name,
        alias,
      });
      if (ref) offer(ref, 1 + a.versionIndex);
      else miss(f.name, "artifact");
    }
  }

  const runFiles = paginate<FileNode>(async (cursor) => {
    const data = await api.graphql<{
      project: { run: { files: { pageInfo: PageInfo; edges: { node: FileNode }[] } | null } | null } | null;
    }>(RUN_FILES, { entity, project, name: run.id, fileCursor: cursor, fileLimit: PAGE }, signal);
    const conn = data.project?.run?.files;
    return conn ? { items: conn.edges.map((e) => e.node), pageInfo: conn.pageInfo } : null;
  }, signal);
  for await (const f of runFiles) {
    const ref = toRef(run, matchers.runFile, f, { source: "run-file" });
    if (ref) offer(ref, 0);
    else miss(f.name, "run file");
  }

  return [...byPath.values()]
    .map((v) => v.ref)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A fresh signed URL for a listed file: signed URLs expire, and a sync may download long after it
 * listed. Asks for that one file again (by name) where it was found.
 */
export async function refreshDirectUrl(
  api: WandbApi,
  entity: string,
  project: string,
  ref: ActivationRef,
  signal?: AbortSignal,
): Promise<string | null> {
  const x = ref.extra ?? {};
  if (x.source === "artifact") {
    const data = await api.graphql<{
      project: {
        artifactCollection: {
          artifactMembership: { files: { edges: { node: FileNode }[] } | null } | null;
        } | null;
      } | null;
    }>(
      ARTIFACT_MEMBERSHIP_FILES,
      {
        entity: x.entity,
        project: x.project,
        collection: x.collection,
        alias: x.alias,
        fileNames: [ref.path],
        perPage: 1,
      },
      signal,
    );
    const node = data.project?.artifactCollection?.artifactMembership?.files?.edges.find(
      (e) => e.node.name === ref.path,
    );
    return node?.node.directUrl ?? null;
  }
  const data = await api.graphql<{
    project: { run: { files: { edges: { node: FileNode }[] } | null } | null } | null;
  }>(RUN_FILES, { entity, project, name: ref.run.id, fileNames: [ref.path], fileLimit: 1 }, signal);
  const node = data.project?.run?.files?.edges.find((e) => e.node.name === ref.path);
  return node?.node.directUrl ?? null;
}
