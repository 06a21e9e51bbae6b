/**
 * Closing a write session that failed after it may have stored its pending marker, so the marker
 * does not stay behind — where that is safe:
 * - history already posted (the run is "running" until `complete` arrives): send `complete` with
 *   the run's exit code first; if that fails too, stop here: the marker is exactly what lets the
 *   next sync finish the session and restore the run's state (the crash path);
 * - then read the config again and, if it still holds the marker, write it back without (a merge:
 *   every other key as the server now holds it).
 * Best effort: a failure here is swallowed, the session's own error is what the caller reports,
 * and the next sync finishes whatever is left (RunState.unfinishedWrite).
 */
import { upsertConfig } from "./config-write.js";
import { readResumeStatus } from "./resume-status.js";
import { mergeConfig, readMagtrackConfig } from "./run-config.js";
import type { SessionContext } from "./write-session.js";

export interface SessionProgress {
  /** A filestream post was sent (it may have arrived even if it failed). */
  streamTouched: boolean;
  /** `complete` was accepted: the run is back in its state. */
  completed: boolean;
  /**
   * A step that the next sync must repeat failed (SessionHooks.beforeClose: marking the live
   * companion): the marker stays so that sync runs the session again.
   */
  keepMarker?: boolean;
}

export async function closeAfterFailure(
  ctx: SessionContext,
  run: string,
  storageId: string,
  exitCode: number,
  progress: SessionProgress,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) return; // a hard stop: leave it to the next sync
  if (progress.keepMarker) return;
  try {
    if (progress.streamTouched && !progress.completed) {
      const body = JSON.stringify({ complete: true, exitcode: exitCode });
      await ctx.api.fileStream(ctx.entity, ctx.project, run, body, signal);
      progress.completed = true;
    }
    const status = await readResumeStatus(ctx.api, ctx.entity, ctx.project, run, signal);
    if (!status || status.storageId !== storageId || !readMagtrackConfig(status.config).pending) return;
    const closed = mergeConfig(status.config, { newReferences: [], settings: {}, panels: {}, pending: null });
    await upsertConfig(ctx, run, storageId, closed, signal);
  } catch {
    // The marker stays; the next sync finishes the session (see above).
  }
}
