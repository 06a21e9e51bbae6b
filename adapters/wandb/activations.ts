/**
 * Finding a run's activation files: the artifacts of type `activations` the run logged
 * (outputArtifacts → each committed version's files via ArtifactMembershipFiles, alias "v<index>",
 * as Artifact.files() does), then the run's own files. Both are matched with the activation
 * pattern; md5 (base64, as W&B reports it) and size become ActivationRef.digest/size. When the
 * same path appears more than once, the newest artifact version wins, and artifacts win over run files.
 */
import type { ActivationRef, PathMatcher, RunRef } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { ARTIFACT_MEMBERSHIP_FILES, RUN_FILES, RUN_OUTPUT_ARTIFACTS } from "./documents.js";

export const ACTIVATIONS_ARTIFACT_TYPE = "activations";
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

export async function listActivationRefs(
  api: WandbApi,
  entity: string,
  project: string,
  run: RunRef,
  match: PathMatcher,
  signal?: AbortSignal,
): Promise<ActivationRef[]> {
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
      offer(
        toRef(run, match, f, { source: "artifact", ...owner, collection: seq.name, alias }),
        1 + a.versionIndex,
      );
    }
  }

  const runFiles = paginate<FileNode>(async (cursor) => {
    const data = await api.graphql<{
      project: { run: { files: { pageInfo: PageInfo; edges: { node: FileNode }[] } | null } | null } | null;
    }>(RUN_FILES, { entity, project, name: run.id, fileCursor: cursor, fileLimit: PAGE }, signal);
    const conn = data.project?.run?.files;
    return conn ? { items: conn.edges.map((e) => e.node), pageInfo: conn.pageInfo } : null;
  }, signal);
  for await (const f of runFiles) offer(toRef(run, match, f, { source: "run-file" }), 0);

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
