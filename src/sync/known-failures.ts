/**
 * Known failures: a file that failed for a reason re-reading cannot fix (a bad header, NaN under
 * --non-finite fail, a numerical failure) is recorded in the tracker (adapters with recordFailures;
 * read back as RunState.knownFailures). Later syncs set it aside while its path, digest and the
 * settings it failed under are unchanged, say how many they set aside, and exit 0 when nothing new
 * failed, so a cron alert on the exit code clears. --retry-failed tries them again.
 *
 * Transient failures (tracker errors, timeouts, aborts, INTERNAL bugs) are never recorded: they are
 * tried again every sync. A file without a digest cannot be told apart from its replacement, so it
 * is never set aside either.
 */
import { createHash } from "node:crypto";
import type { ActivationRef, KnownFailure, RunRef, RunState, TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import { isTrackerError } from "../io/http-errors.js";
import type { EventSink } from "./events.js";
import { IDENTITY_KEYS } from "./settings-identity.js";

/** One failure of this sync: the file, the layer, the code, and whether it is worth recording. */
export interface FailedFile {
  readonly ref: ActivationRef;
  readonly layer: string;
  readonly code: string;
  readonly permanent: boolean;
}

/** Data problems (kinds input / format / numerical) fail again on the same bytes; the rest may not. */
export function isPermanentFailure(error: unknown): boolean {
  if (!(error instanceof MagtrackError) || isTrackerError(error)) return false;
  return error.kind === "input" || error.kind === "format" || error.kind === "numerical";
}

/** Short hash of what decides a file's fate: the identity settings and the file size cap. */
export function failureSettingsKey(
  settingsRecord: Readonly<Record<string, string>>,
  maxFileBytes: number,
): string {
  const parts = IDENTITY_KEYS.map((k) => `${k}=${settingsRecord[k] ?? ""}`);
  parts.push(`max_file_bytes=${maxFileBytes}`);
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 12);
}

export interface SetAside {
  /** Activations to plan with (the known failures removed). */
  readonly pending: readonly ActivationRef[];
  /** Records still valid this sync (same path, digest and settings), kept in the next record. */
  readonly kept: readonly KnownFailure[];
  readonly settingsKey: string;
}

/** Step 2b of the flow: set aside files recorded as failed, unless --retry-failed; say how many. */
export function setAsideKnownFailures(
  run: RunRef,
  activations: readonly ActivationRef[],
  state: RunState,
  opts: { readonly retryFailed: boolean; readonly settingsKey: string },
  emit: EventSink,
): SetAside {
  const known = new Map((state.knownFailures ?? []).map((f) => [f.path, f]));
  if (opts.retryFailed || known.size === 0)
    return { pending: activations, kept: [], settingsKey: opts.settingsKey };
  const pending: ActivationRef[] = [];
  const kept: KnownFailure[] = [];
  for (const ref of activations) {
    const f = known.get(ref.path);
    if (
      f !== undefined &&
      ref.digest !== undefined &&
      f.digest === ref.digest &&
      f.settings === opts.settingsKey
    ) {
      kept.push(f);
    } else pending.push(ref);
  }
  if (kept.length > 0) {
    emit({
      type: "known-failures-skipped",
      run: run.id,
      count: kept.length,
      paths: kept.map((f) => f.path),
      message: `${kept.length} file(s) that failed before and are unchanged were not read again (pass --retry-failed to try them)`,
    });
  }
  return { pending, kept, settingsKey: opts.settingsKey };
}

/**
 * Step 7b of the flow: the run's new record = what was set aside + the permanent failures of this
 * sync. Files tried again (changed, new settings, --retry-failed) leave the record unless they
 * failed again; files gone from the run leave it too. Written only when it changes.
 */
export async function recordKnownFailures(
  adapter: TrackerAdapter,
  run: RunRef,
  state: RunState,
  aside: SetAside,
  failed: readonly FailedFile[],
  signal?: AbortSignal,
): Promise<void> {
  if (adapter.recordFailures === undefined) return;
  const next = new Map(aside.kept.map((f) => [f.path, f]));
  for (const f of failed) {
    if (!f.permanent || f.ref.digest === undefined || next.has(f.ref.path)) continue;
    next.set(f.ref.path, {
      path: f.ref.path,
      digest: f.ref.digest,
      settings: aside.settingsKey,
      layer: f.layer,
      step: f.ref.step,
      code: f.code,
    });
  }
  const records = [...next.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (sameRecords(records, state.knownFailures ?? [])) return;
  signal?.throwIfAborted();
  await adapter.recordFailures(run, records, signal);
}

function sameRecords(a: readonly KnownFailure[], b: readonly KnownFailure[]): boolean {
  const key = (f: KnownFailure) => JSON.stringify([f.path, f.digest, f.settings, f.layer, f.step, f.code]);
  const sb = new Set(b.map(key));
  return a.length === b.length && a.every((f) => sb.has(key(f)));
}
