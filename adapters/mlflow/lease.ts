/**
 * The run lease for MLflow: one run tag, `magtrack.lease` = JSON {owner, host, pid, expires, released?}.
 * Read with runs/get (fresh, never from the search listing), written with runs/set-tag. MLflow has
 * no compare-and-set on tags: the last writer wins, so the pipeline reads the tag back after
 * writing it (src/sync/lease.ts). A release deletes the tag (runs/delete-tag, service.proto
 * DeleteTag {run_id, key}); a tag already gone (RESOURCE_DOES_NOT_EXIST) is fine, so deleting twice
 * is harmless (client.deleteTag).
 */
import type { RunLease, RunRef } from "../../src/adapter-kit.js";
import type { MlflowClient } from "./client.js";
import { tagsToRecord } from "./wire.js";

export const LEASE_TAG = "magtrack.lease";

/** The tag's value → lease; anything unreadable counts as no lease (it is overwritten). */
export function decodeLease(value: string | undefined): RunLease | null {
  if (value === undefined || value === "") return null;
  try {
    const v = JSON.parse(value) as Partial<RunLease>;
    if (typeof v.owner !== "string" || typeof v.expires !== "number" || !Number.isFinite(v.expires))
      return null;
    return {
      owner: v.owner,
      host: typeof v.host === "string" ? v.host : "",
      pid: typeof v.pid === "number" ? v.pid : -1,
      expires: v.expires,
      ...(v.released === true ? { released: true } : {}),
    };
  } catch {
    return null;
  }
}

export function encodeLease(lease: RunLease): string {
  return JSON.stringify({
    owner: lease.owner,
    host: lease.host,
    pid: lease.pid,
    expires: lease.expires,
    expiresAt: new Date(lease.expires).toISOString(),
    ...(lease.released ? { released: true } : {}),
  });
}

export function mlflowLease(client: MlflowClient) {
  return {
    async readLease(run: RunRef, signal?: AbortSignal): Promise<RunLease | null> {
      const wire = await client.getRun(run.id, signal);
      return wire === null ? null : decodeLease(tagsToRecord(wire.data?.tags)[LEASE_TAG]);
    },
    async writeLease(run: RunRef, lease: RunLease, signal?: AbortSignal): Promise<void> {
      await client.setTag(run.id, LEASE_TAG, encodeLease(lease), signal);
    },
    async deleteLease(run: RunRef, signal?: AbortSignal): Promise<void> {
      await client.deleteTag(run.id, LEASE_TAG, signal);
    },
  };
}
