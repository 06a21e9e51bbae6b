/**
 * Known failures for MLflow: one run tag, `magtrack.failures` = {"v": 1, "files": [[path, digest,
 * settings, layer, step, code], ...]} (src/io/known-failure-record.ts). A tag because it comes
 * with runs/get, which readState makes anyway (no extra request per sync), and because it can be
 * replaced (params cannot) and deleted (runs/delete-tag) once no failure is left. A tag holds 8000
 * characters (longer values are cut silently, TRACKERS.md): records past that are left out and
 * said, so those files are read again next sync (safe, only slower). The digest of an MLflow
 * artifact is its size (artifacts/list gives no hash): a replaced file of exactly the same size
 * stays set aside until --retry-failed.
 */
import {
  decodeKnownFailures,
  encodeKnownFailures,
  type KnownFailure,
  type RunRef,
} from "../../src/adapter-kit.js";
import type { MlflowClient } from "./client.js";
import { MAX_TAG_VALUE_CHARS } from "./tags.js";

export const FAILURES_TAG = "magtrack.failures";

export function knownFailuresOf(tags: Readonly<Record<string, string>>): KnownFailure[] {
  return decodeKnownFailures(tags[FAILURES_TAG]);
}

export function mlflowFailures(client: MlflowClient, warn: (message: string) => void) {
  return {
    async recordFailures(
      run: RunRef,
      failures: readonly KnownFailure[],
      signal?: AbortSignal,
    ): Promise<void> {
      if (failures.length === 0) {
        await client.deleteTag(run.id, FAILURES_TAG, signal);
        return;
      }
      const { text, dropped } = encodeKnownFailures(failures, MAX_TAG_VALUE_CHARS);
      if (dropped > 0) {
        warn(
          `MLflow run ${run.id}: ${dropped} of ${failures.length} known failures do not fit the ${FAILURES_TAG} tag (${MAX_TAG_VALUE_CHARS} chars); they are read again next sync`,
        );
      }
      await client.setTag(run.id, FAILURES_TAG, text, signal);
    },
  };
}
